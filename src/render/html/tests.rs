//! Tests of the HTML renderer: the output is parsed with `scraper` (html5ever) and checked
//! for structure, exact fallback numbers, line gaps, escaping and self-containment.

use super::*;
use scraper::{Html, Selector};

const EVIL_TAG: &str = "<script>alert(1)</script>";
const EVIL_ATTR: &str = "\" onload=\"x";

fn sel(css: &str) -> Selector {
    Selector::parse(css).expect("test selector is valid")
}

fn parse(html: &str) -> Html {
    let doc = Html::parse_document(html);
    assert!(doc.errors.is_empty(), "HTML parse errors: {:?}", doc.errors);
    doc
}

fn texts(doc: &Html, css: &str) -> Vec<String> {
    doc.select(&sel(css))
        .map(|e| e.text().collect::<String>())
        .collect()
}

fn tile(label: &str, value_text: &str, raw: Option<f64>, n: u64) -> Tile {
    Tile {
        label: label.to_string(),
        value_text: value_text.to_string(),
        raw,
        n,
        change: None,
        interval_text: None,
    }
}

fn weekly_line(values: Vec<Option<f64>>) -> LineChart {
    LineChart {
        title: "CSAT by week".to_string(),
        unit_label: "% satisfied".to_string(),
        unit: ValueUnit::Percent,
        x_title: "week starting".to_string(),
        x_labels: (0..values.len())
            .map(|i| format!("2026-01-{:02}", 5 + i))
            .collect(),
        series: vec![Series {
            name: "support".to_string(),
            values,
            band: None,
        }],
    }
}

fn sample_page() -> Page {
    let mut line = weekly_line(vec![Some(75.63218390804597), Some(80.0), Some(1e-7)]);
    line.series.push(Series {
        name: "service".to_string(),
        values: vec![Some(61.5), None, Some(70.25)],
        band: Some(vec![Some((55.1, 67.9)), None, Some((64.0, 76.5))]),
    });
    Page {
        title: "CX KPIs — January".to_string(),
        header: Header {
            window: Some(Window::default()),
            records_read: Some(1234),
            records_skipped: Some(5),
            options: vec!["--every week".to_string(), "--ci".to_string()],
            facts: vec![],
        },
        sections: vec![
            Section::Tiles(TileGroup {
                category: "support".to_string(),
                tiles: vec![Tile {
                    change: Some(Change {
                        text: "▲ +3.1 pts".to_string(),
                        better: Some(true),
                    }),
                    interval_text: Some("±4.2".to_string()),
                    ..tile("CSAT", "75.6%", Some(75.63218390804597), 412)
                }],
            }),
            Section::LineChart(line),
            Section::BarChart(BarChart {
                title: "AHT by agent".to_string(),
                unit_label: "mean handle time".to_string(),
                unit: ValueUnit::Seconds,
                bars: vec![
                    Bar {
                        label: "ann".to_string(),
                        value: Some(301.5),
                        n: 10,
                    },
                    Bar {
                        label: "bob".to_string(),
                        value: Some(15120.0),
                        n: 3,
                    },
                    Bar {
                        label: "cy".to_string(),
                        value: None,
                        n: 0,
                    },
                ],
                order: BarOrder::Descending,
                limit: 0,
            }),
        ],
    }
}

#[test]
fn title_and_header() {
    let html = render(&sample_page());
    let doc = parse(&html);
    assert_eq!(texts(&doc, "head > title"), vec!["CX KPIs — January"]);
    assert_eq!(texts(&doc, "h1"), vec!["CX KPIs — January"]);
    let meta = texts(&doc, ".meta dd");
    assert_eq!(meta[0], "all time");
    assert_eq!(meta[1], "1234");
    assert_eq!(meta[2], "5");
    assert_eq!(texts(&doc, ".options code"), vec!["--every week", "--ci"]);
}

#[test]
fn window_bounds_are_shown() {
    let mut page = sample_page();
    page.header.window = Some(Window {
        from: Some("2026-01-01".to_string()),
        to: Some("2026-02-01".to_string()),
    });
    let doc = parse(&render(&page));
    assert_eq!(
        texts(&doc, ".meta dd")[0],
        "2026-01-01 to 2026-02-01 (exclusive)"
    );
}

#[test]
fn one_svg_per_chart_each_with_accessible_name() {
    let doc = parse(&render(&sample_page()));
    let svgs: Vec<_> = doc.select(&sel("svg")).collect();
    assert_eq!(svgs.len(), 2);
    assert_eq!(doc.select(&sel("figure")).count(), 2);
    for svg in svgs {
        assert_eq!(svg.value().attr("role"), Some("img"));
        let label = svg.value().attr("aria-label").expect("aria-label");
        let title: String = svg
            .select(&sel("svg > title"))
            .next()
            .expect("<title>")
            .text()
            .collect();
        assert_eq!(label, title);
        let described = svg.value().attr("aria-describedby").expect("describedby");
        assert_eq!(doc.select(&sel(&format!("desc#{described}"))).count(), 1);
    }
}

#[test]
fn line_fallback_table_holds_exactly_the_numbers_given() {
    let doc = parse(&render(&sample_page()));
    let figure = doc.select(&sel("figure")).next().expect("line figure");
    let head: Vec<String> = figure
        .select(&sel("thead th"))
        .map(|e| e.text().collect())
        .collect();
    assert_eq!(
        head,
        vec![
            "week starting",
            "support",
            "service",
            "service low",
            "service high"
        ]
    );
    let rows: Vec<Vec<String>> = figure
        .select(&sel("tbody tr"))
        .map(|tr| {
            tr.select(&sel("th, td"))
                .map(|c| c.text().collect())
                .collect()
        })
        .collect();
    let expected = [
        ["2026-01-05", "75.63218390804597", "61.5", "55.1", "67.9"],
        ["2026-01-06", "80", "—", "—", "—"],
        ["2026-01-07", "0.0000001", "70.25", "64", "76.5"],
    ];
    assert_eq!(
        rows,
        expected.map(|r| r.map(String::from).to_vec()).to_vec()
    );
    // Full precision: each number reads back to the very same f64.
    assert_eq!(rows[0][1].parse::<f64>().unwrap(), 75.63218390804597);
}

#[test]
fn bar_fallback_table_holds_exactly_the_numbers_given() {
    let doc = parse(&render(&sample_page()));
    let figure = doc.select(&sel("figure")).nth(1).expect("bar figure");
    let rows: Vec<Vec<String>> = figure
        .select(&sel("tbody tr"))
        .map(|tr| {
            tr.select(&sel("th, td"))
                .map(|c| c.text().collect())
                .collect()
        })
        .collect();
    assert_eq!(
        rows,
        vec![
            vec!["bob", "15120", "3"],
            vec!["ann", "301.5", "10"],
            vec!["cy", "—", "0"],
        ]
    );
    assert_eq!(figure.select(&sel("rect.bar")).count(), 2);
    let labels = texts(&doc, "figure:nth-of-type(2) g.bar-row > text:first-of-type");
    assert_eq!(labels, vec!["bob", "ann", "cy"]);
}

#[test]
fn empty_period_splits_the_line_into_two_segments() {
    let mut values: Vec<Option<f64>> = (0..12).map(|i| Some(70.0 + i as f64)).collect();
    values[5] = None;
    let page = Page {
        title: "gap".to_string(),
        sections: vec![Section::LineChart(weekly_line(values))],
        ..Page::default()
    };
    let doc = parse(&render(&page));
    let paths: Vec<_> = doc.select(&sel("path.series-line")).collect();
    assert_eq!(paths.len(), 2, "the line must not be joined across the gap");
    let moves = |i: usize| {
        let d = paths[i].value().attr("d").unwrap_or("");
        (d.matches('M').count(), d.matches('L').count())
    };
    assert_eq!(moves(0), (1, 4)); // periods 0..=4
    assert_eq!(moves(1), (1, 5)); // periods 6..=11
    assert_eq!(doc.select(&sel("rect.empty-period")).count(), 1);
    assert_eq!(doc.select(&sel("svg .marker")).count(), 11 + 1); // + legend marker
}

#[test]
fn data_texts_are_escaped_in_text_and_attributes() {
    let evil = format!("{EVIL_TAG}{EVIL_ATTR}");
    let mut page = sample_page();
    page.title = evil.clone();
    page.header.options.push(evil.clone());
    page.header.facts.push((evil.clone(), evil.clone()));
    page.header.window = Some(Window {
        from: Some(evil.clone()),
        to: None,
    });
    page.sections.push(Section::Heading(evil.clone()));
    page.sections.push(Section::Tiles(TileGroup {
        category: evil.clone(),
        tiles: vec![Tile {
            change: Some(Change {
                text: evil.clone(),
                better: Some(false),
            }),
            interval_text: Some(evil.clone()),
            ..tile(&evil, &evil, Some(1.0), 1)
        }],
    }));
    let mut line = weekly_line(vec![Some(1.0), Some(2.0)]);
    line.title = evil.clone();
    line.unit_label = evil.clone();
    line.x_title = evil.clone();
    line.x_labels = vec![evil.clone(), EVIL_ATTR.to_string()];
    line.series[0].name = evil.clone();
    page.sections.push(Section::LineChart(line));
    page.sections.push(Section::BarChart(BarChart {
        title: evil.clone(),
        unit_label: evil.clone(),
        unit: ValueUnit::Number,
        bars: vec![
            Bar {
                label: EVIL_TAG.to_string(),
                value: Some(3.0),
                n: 1,
            },
            Bar {
                label: EVIL_ATTR.to_string(),
                value: Some(2.0),
                n: 1,
            },
        ],
        order: BarOrder::Descending,
        limit: 20,
    }));
    page.sections.push(Section::Table(DataTable {
        caption: evil.clone(),
        columns: vec![evil.clone()],
        rows: vec![vec![evil.clone(), evil.clone()]],
    }));

    let html = render(&page);
    let lower = html.to_ascii_lowercase();
    assert!(!lower.contains("<script"), "raw <script in output");
    // `onload=` may appear as inert text (`&quot; onload=&quot;x`), never after a raw quote.
    assert!(
        !lower.contains("\" onload="),
        "attribute breakout in output"
    );
    assert!(!html.contains(EVIL_ATTR));
    let doc = parse(&html);
    assert_eq!(doc.select(&sel("script")).count(), 0);
    for element in doc
        .root_element()
        .descendants()
        .filter_map(|n| n.value().as_element().cloned())
    {
        for (name, _) in element.attrs() {
            assert!(!name.starts_with("on"), "event handler attribute {name}");
        }
    }
    // The texts are still there for the reader, as inert text.
    assert!(texts(&doc, "h1").contains(&evil));
    assert!(texts(&doc, "tbody th").contains(&EVIL_TAG.to_string()));
    assert!(texts(&doc, "tbody th").contains(&EVIL_ATTR.to_string()));
    let labels: Vec<&str> = doc
        .select(&sel("svg"))
        .filter_map(|s| s.value().attr("aria-label"))
        .collect();
    assert!(
        labels.contains(&evil.as_str()),
        "attribute value decodes back intact"
    );
    let category = doc
        .select(&sel("section.category"))
        .filter_map(|s| s.value().attr("aria-label"))
        .any(|a| a == evil);
    assert!(category);
}

#[test]
fn page_is_self_contained() {
    let html = render(&sample_page());
    assert!(!html.contains("http://") && !html.contains("https://"));
    let doc = parse(&html);
    assert_eq!(doc.select(&sel("script")).count(), 0);
    assert_eq!(
        doc.select(&sel("link, img, iframe, object, embed")).count(),
        0
    );
    assert_eq!(doc.select(&sel("[src], [href], [xlink\\:href]")).count(), 0);
    assert!(!html.contains("url("), "no CSS fetches");
    assert!(!html.contains("@import"));
    assert!(html.contains("@page"), "A4 print rules");
}

#[test]
fn bars_are_sorted_and_truncated_with_a_count_of_the_rest() {
    let bars: Vec<Bar> = (0..25)
        .map(|i| Bar {
            label: format!("agent {i:02}"),
            value: Some(i as f64 * 10.0),
            n: i,
        })
        .collect();
    let page = Page {
        title: "bars".to_string(),
        sections: vec![Section::BarChart(BarChart {
            title: "AHT by agent".to_string(),
            unit_label: "s".to_string(),
            unit: ValueUnit::Seconds,
            bars,
            order: BarOrder::Ascending,
            limit: 0,
        })],
        ..Page::default()
    };
    let doc = parse(&render(&page));
    assert_eq!(doc.select(&sel("g.bar-row")).count(), 20);
    assert_eq!(texts(&doc, "p.more"), vec!["and 5 more not shown"]);
    let groups = texts(&doc, "tbody th");
    assert_eq!(groups.len(), 20);
    assert_eq!(groups[0], "agent 00");
    assert_eq!(groups[19], "agent 19");
}

#[test]
fn tiles_show_value_interval_change_and_n() {
    let page = sample_page();
    let Section::Tiles(group) = &page.sections[0] else {
        unreachable!("sample page starts with tiles")
    };
    let mut out = String::new();
    render_tiles(&mut out, group);
    insta::assert_snapshot!(out, @r#"<section class="category" aria-label="support"><h3>support</h3><div class="tiles"><div class="tile" data-raw="75.63218390804597" title="raw value: 75.63218390804597"><div class="label">CSAT</div><div class="value">75.6%</div><div class="interval">±4.2</div><div class="change better">▲ +3.1 pts <span class="verdict">better</span></div><div class="n">n = 412</div></div></div></section>"#);
}

#[test]
fn empty_value_text_shows_a_dash() {
    let group = TileGroup {
        category: "service".to_string(),
        tiles: vec![tile("NPS", "", None, 0)],
    };
    let mut out = String::new();
    render_tiles(&mut out, &group);
    let doc = Html::parse_fragment(&out);
    assert_eq!(texts(&doc, ".value"), vec!["—"]);
    assert!(!out.contains("data-raw"));
}

#[test]
fn degenerate_inputs_render_without_panicking() {
    let odd_series = |values: Vec<Option<f64>>, band: Option<Vec<Option<(f64, f64)>>>| Series {
        name: "s".to_string(),
        values,
        band,
    };
    let lines = vec![
        LineChart {
            series: vec![],
            ..weekly_line(vec![])
        },
        weekly_line(vec![]),
        weekly_line(vec![None, None, None]),
        weekly_line(vec![Some(4.2)]),
        weekly_line(vec![Some(f64::NAN), Some(f64::INFINITY), Some(-0.0)]),
        weekly_line(vec![Some(-1e308), Some(1e308)]),
        LineChart {
            x_labels: vec!["only one label".to_string()],
            series: vec![odd_series(
                vec![Some(1.0), Some(2.0), None, Some(3.0)],
                Some(vec![Some((5.0, 1.0)), Some((f64::NAN, 2.0))]),
            )],
            ..weekly_line(vec![])
        },
        LineChart {
            series: (0..9)
                .map(|i| odd_series(vec![Some(i as f64)], Some(vec![Some((0.0, 9.0))])))
                .collect(),
            ..weekly_line(vec![Some(1.0)])
        },
    ];
    let bars = vec![
        vec![],
        vec![Bar {
            label: String::new(),
            value: None,
            n: 0,
        }],
        vec![
            Bar {
                label: "nan".to_string(),
                value: Some(f64::NAN),
                n: 1,
            },
            Bar {
                label: "neg".to_string(),
                value: Some(-40.0),
                n: 2,
            },
            Bar {
                label: "zero".to_string(),
                value: Some(0.0),
                n: 3,
            },
            Bar {
                label: "a very long agent name that goes on and on, ünïcödé 🙂".to_string(),
                value: Some(1e300),
                n: 4,
            },
        ],
    ];
    let mut sections: Vec<Section> = lines.into_iter().map(Section::LineChart).collect();
    sections.extend(bars.into_iter().map(|bars| {
        Section::BarChart(BarChart {
            title: String::new(),
            unit_label: String::new(),
            unit: ValueUnit::Percent,
            bars,
            order: BarOrder::Descending,
            limit: 1,
        })
    }));
    sections.push(Section::Tiles(TileGroup {
        category: String::new(),
        tiles: vec![],
    }));
    sections.push(Section::Table(DataTable::default()));
    let page = Page {
        sections,
        ..Page::default()
    };
    let html = render(&page);
    let doc = parse(&html);
    assert_eq!(doc.select(&sel("svg")).count(), 11);
    for svg in doc.select(&sel("svg")) {
        let markup = svg.html();
        assert!(
            !markup.contains("NaN") && !markup.contains("inf"),
            "{markup}"
        );
    }
    assert_eq!(render(&Page::default()), render(&Page::default()));
}

#[test]
fn output_is_deterministic() {
    assert_eq!(render(&sample_page()), render(&sample_page()));
}

#[test]
fn trend_page_uses_snapshot_dates_on_the_x_axis() {
    let page = Page {
        title: "cxkpi trend".to_string(),
        header: Header {
            facts: vec![("History".to_string(), "kpi-history.jsonl".to_string())],
            ..Header::default()
        },
        sections: vec![Section::LineChart(LineChart {
            title: "FRT median over snapshots".to_string(),
            unit_label: "first response".to_string(),
            unit: ValueUnit::Seconds,
            x_title: "snapshot".to_string(),
            x_labels: vec![
                "2026-11-01".to_string(),
                "2026-11-08".to_string(),
                "2026-11-15".to_string(),
            ],
            series: vec![Series {
                name: "all".to_string(),
                values: vec![Some(3600.0), Some(5400.0), Some(4000.0)],
                band: None,
            }],
        })],
    };
    let doc = parse(&render(&page));
    let svg_texts = texts(&doc, "svg text");
    for date in ["2026-11-01", "2026-11-08", "2026-11-15", "snapshot"] {
        assert!(svg_texts.iter().any(|t| t == date), "{date} on the x axis");
    }
    assert!(
        svg_texts.iter().any(|t| t == "1h 30m"),
        "duration ticks: {svg_texts:?}"
    );
    assert!(texts(&doc, ".meta dd").contains(&"kpi-history.jsonl".to_string()));
}
