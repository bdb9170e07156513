//! Run configuration that changes how values are read: survey scales (SPEC §7 `[scales]`).

/// Survey answer scales and the CSAT "satisfied" threshold.
#[derive(Debug, Clone, PartialEq)]
pub struct Scales {
    pub csat: (f64, f64),
    pub csat_satisfied_min: f64,
    pub ces: (f64, f64),
}

impl Default for Scales {
    fn default() -> Self {
        Scales {
            csat: (1.0, 5.0),
            csat_satisfied_min: 4.0,
            ces: (1.0, 7.0),
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Config {
    pub scales: Scales,
}
