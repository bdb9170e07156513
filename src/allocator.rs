//! The program's allocator: the system's, with every large block asking Linux for huge pages.
//!
//! Why: a large log's run touches gigabytes of fresh memory (the customer tables as they
//! double, the columns as they grow, the subsets gathered), and on a virtual machine
//! each fresh 4 KiB page can cost a fault in the guest and another in the host. A block
//! backed by 2 MiB pages takes one fault where it took 512, and its lookups (the customer
//! tables are hundreds of megabytes read at random) miss the TLB far less. Linux gives huge
//! pages to a program's memory only where it asks (`madvise`, the usual setting of
//! `transparent_hugepage`); where it gives none, nothing changes. Measured at 100M records,
//! three rounds with the order rotated: 47.4-50.3 s against 53.5-56.5 s (73-75 s of user
//! time against 79-81); at 10M no difference beyond the machine's drift (`BENCHMARKS.md`).
//! Only large blocks: glibc's own switch for every block and its heaps
//! (`GLIBC_TUNABLES=glibc.malloc.hugetlb=1`, read only from the environment at start-up) did no
//! better in the same rounds (53.4-57.8 s). The advice covers the block's every page, so that
//! glibc can grow it by remapping (see [`advise_huge_pages`]): at 100M records 233K page faults
//! where there were 837K, and 46.0-49.5 s against 49.7-50.2 s in three rotated rounds.

use std::alloc::{GlobalAlloc, Layout, System};

/// Blocks of at least this many bytes are advised. glibc maps every block of 32 MiB or more
/// on its own (its largest threshold for that), so an advice never splits the mapping of its
/// heap, where the small blocks are.
const LARGE: usize = 32 << 20;

/// The system allocator, advising huge pages for blocks of [`LARGE`] bytes or more.
pub struct HugePages;

// SAFETY: every block comes from `System` and goes back to it unchanged; the advice only
// changes how the kernel backs the block's pages, never their contents or the block's bounds.
unsafe impl GlobalAlloc for HugePages {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller's contract for `alloc` is `System.alloc`'s.
        let block = unsafe { System.alloc(layout) };
        advise_huge_pages(block, layout.size());
        block
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: as for `alloc`.
        let block = unsafe { System.alloc_zeroed(layout) };
        advise_huge_pages(block, layout.size());
        block
    }

    unsafe fn dealloc(&self, block: *mut u8, layout: Layout) {
        // SAFETY: `block` came from `System` with `layout` (above).
        unsafe { System.dealloc(block, layout) }
    }

    unsafe fn realloc(&self, block: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: as for `dealloc`, and the caller's contract for `realloc` is `System`'s.
        let block = unsafe { System.realloc(block, layout, new_size) };
        advise_huge_pages(block, new_size);
        block
    }
}

/// Asks for huge pages on a block of `size` bytes at `block`, when it is large: on every page
/// the block touches, so that the block's mapping keeps one set of flags. An advice on only the
/// whole huge pages inside it split glibc's mapping of the block in three, and Linux cannot
/// move a range of several mappings: each `realloc` of a large vector then copied it into fresh
/// memory (`mremap` failed with `EFAULT`) where it now remaps its pages. glibc maps a large
/// block on its own (see [`LARGE`]), so the pages it touches are its own; a block grown in
/// place in glibc's heap shares at most its first and last pages, whose contents the advice
/// leaves as they are. The answer is not checked: a kernel without huge pages leaves the block
/// as it was, which is only slower.
fn advise_huge_pages(block: *mut u8, size: usize) {
    #[cfg(target_os = "linux")]
    if size >= LARGE && !block.is_null() {
        // SAFETY: sysconf reads a constant of the system.
        let page = match unsafe { libc::sysconf(libc::_SC_PAGESIZE) } {
            page if page > 0 => page as usize,
            _ => return,
        };
        let start = block as usize / page * page;
        let end = (block as usize + size).next_multiple_of(page);
        // SAFETY: the pages are the block's (and at most a neighbour's share of its first and
        // last page), and the advice leaves their contents as they are.
        unsafe {
            libc::madvise(start as *mut libc::c_void, end - start, libc::MADV_HUGEPAGE);
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = (block, size);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A block's bytes through the allocator itself (the tests run under the default one).
    fn with_block<T>(size: usize, each: impl FnOnce(*mut u8, Layout) -> T) -> T {
        let layout = Layout::from_size_align(size, 8).expect("a valid layout");
        // SAFETY: the layout's size is not zero.
        let block = unsafe { HugePages.alloc(layout) };
        assert!(!block.is_null(), "{size} bytes allocated");
        each(block, layout)
    }

    /// A large block written, grown and freed through the allocator keeps its contents: the
    /// advice must never change them.
    #[test]
    fn large_blocks_keep_their_contents_through_growth() {
        with_block(LARGE, |block, layout| {
            let words = LARGE / 8;
            // SAFETY: the block holds `LARGE` bytes, 8-aligned, and is ours until freed.
            unsafe {
                let values = std::slice::from_raw_parts_mut(block.cast::<u64>(), words);
                (0..words).for_each(|i| values[i] = i as u64);
                let grown = HugePages.realloc(block, layout, 2 * LARGE);
                assert!(!grown.is_null(), "the block grown");
                let values = std::slice::from_raw_parts(grown.cast::<u64>(), words);
                assert!((0..words).all(|i| values[i] == i as u64), "contents kept");
                let grown_layout = Layout::from_size_align(2 * LARGE, 8).expect("valid");
                HugePages.dealloc(grown, grown_layout);
            }
        });
        let layout = Layout::from_size_align(LARGE + 1, 8).expect("a valid layout");
        // SAFETY: as above; the block is read before it is freed.
        unsafe {
            let zeroed = HugePages.alloc_zeroed(layout);
            assert!(std::slice::from_raw_parts(zeroed, LARGE + 1)
                .iter()
                .all(|&b| b == 0));
            HugePages.dealloc(zeroed, layout);
        }
    }

    /// The bounds of the mapping that holds `address`, and whether `/proc/self/smaps` calls it
    /// eligible for huge pages.
    #[cfg(target_os = "linux")]
    fn mapping_of(address: usize) -> (usize, usize, bool) {
        let smaps = std::fs::read_to_string("/proc/self/smaps").expect("smaps readable");
        let mut inside = None;
        for line in smaps.lines() {
            let range = (line.split_whitespace().next()).and_then(|r| r.split_once('-'));
            let bounds = range.and_then(|(start, end)| {
                let start = usize::from_str_radix(start, 16).ok()?;
                Some((start, usize::from_str_radix(end, 16).ok()?))
            });
            if let Some((start, end)) = bounds {
                inside = (start..end).contains(&address).then_some((start, end));
            } else if let (Some((start, end)), true) = (inside, line.starts_with("THPeligible:")) {
                return (start, end, line.trim_end().ends_with('1'));
            }
        }
        panic!("no mapping in smaps holds {address:#x}");
    }

    /// Where Linux gives huge pages only to memory that asks (`[madvise]`), a large block is
    /// eligible for them and a small one is not, as `/proc/self/smaps` tells; and a large block
    /// stays one mapping, before and after it grows, so that Linux can move it rather than
    /// glibc copy it (an advice on only the huge pages inside it split it in three).
    #[cfg(target_os = "linux")]
    #[test]
    fn large_blocks_ask_for_huge_pages_and_stay_one_mapping() {
        let setting = std::fs::read_to_string("/sys/kernel/mm/transparent_hugepage/enabled");
        if !setting.is_ok_and(|s| s.contains("[madvise]")) {
            eprintln!("skipped: transparent huge pages are not set to `madvise` here");
            return;
        }
        let one_eligible_mapping = |block: *mut u8, size: usize| {
            let (start, end, eligible) = mapping_of(block as usize);
            assert!(eligible, "a block of {size} bytes asks for huge pages");
            assert!(
                start <= block as usize && block as usize + size <= end,
                "a block of {size} bytes is one mapping ({start:#x}-{end:#x} holds {block:?})"
            );
        };
        with_block(2 * LARGE, |block, layout| {
            one_eligible_mapping(block, 2 * LARGE);
            // SAFETY: the block came from `HugePages` with `layout`.
            unsafe {
                let grown = HugePages.realloc(block, layout, 4 * LARGE);
                assert!(!grown.is_null(), "the block grown");
                one_eligible_mapping(grown, 4 * LARGE);
                let grown_layout = Layout::from_size_align(4 * LARGE, 8).expect("valid");
                HugePages.dealloc(grown, grown_layout);
            }
        });
        with_block(LARGE / 2, |block, layout| {
            let (_, _, eligible) = mapping_of(block as usize);
            assert!(!eligible, "a block of {} bytes is left as it is", LARGE / 2);
            // SAFETY: as above.
            unsafe { HugePages.dealloc(block, layout) };
        });
    }
}
