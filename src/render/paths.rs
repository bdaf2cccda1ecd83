//! Site paths: where each page lives and how one page links to another.

/// The relative link from the page at `from` to the page at `to` (both site paths with
/// `/` separators, such as `services/mmd.md` and `sources/intune.md`).
#[must_use]
pub(super) fn relative(from: &str, to: &str) -> String {
    let from_dir: Vec<&str> = from
        .split('/')
        .collect::<Vec<_>>()
        .split_last()
        .map_or(Vec::new(), |(_, dir)| dir.to_vec());
    let to_parts: Vec<&str> = to.split('/').collect();
    let common = from_dir
        .iter()
        .zip(&to_parts)
        .take_while(|(a, b)| a == b)
        .count();
    let mut parts: Vec<&str> = vec![".."; from_dir.len() - common];
    parts.extend(&to_parts[common..]);
    parts.join("/")
}

/// The path from a page to the site root (`""`, `"../"`, …), for stylesheets and the index.
#[must_use]
pub(super) fn to_root(page: &str) -> String {
    "../".repeat(page.matches('/').count())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_between_pages() {
        assert_eq!(
            relative("services/mmd.md", "sources/intune.md"),
            "../sources/intune.md"
        );
        assert_eq!(relative("services/mmd.md", "services/other.md"), "other.md");
        assert_eq!(
            relative("index.md", "sources/intune.md"),
            "sources/intune.md"
        );
        assert_eq!(relative("a/b/c.md", "a/d.md"), "../d.md");
        assert_eq!(to_root("services/mmd.md"), "../");
        assert_eq!(to_root("index.md"), "");
    }
}
