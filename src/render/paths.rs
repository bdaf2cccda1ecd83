//! Site paths: where each page lives and how one page links to another.

/// The relative link from the page at `from` to the page at `to` (both site paths with
/// `/` separators, such as `services/mmd.md` and `sources/intune.md`).
#[must_use]
pub(super) fn relative(from: &str, to: &str) -> String {
    // `from`'s folders, and what of `to` is left after the folders they share: `None`
    // when `to` is all shared (`from` is in a folder below the file `to` names).
    let folders = from.rfind('/').map(|at| &from[..at]);
    let (mut up, mut rest) = (0, Some(to));
    for folder in folders.into_iter().flat_map(|folders| folders.split('/')) {
        match rest {
            Some(left) if up == 0 && left.split('/').next() == Some(folder) => {
                rest = left.split_once('/').map(|(_, tail)| tail);
            }
            _ => up += 1,
        }
    }
    let mut link = String::with_capacity(3 * up + rest.map_or(0, str::len));
    for _ in 0..up {
        link.push_str("../");
    }
    match rest {
        Some(rest) => link.push_str(rest),
        None => {
            link.pop();
        }
    }
    link
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

    /// The link as the parts of the paths define it.
    fn relative_by_parts(from: &str, to: &str) -> String {
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

    proptest::proptest! {
        #[test]
        fn links_agree_with_the_paths_parts(from in "[ab/]{0,8}", to in "[ab/]{0,8}") {
            proptest::prop_assert_eq!(relative(&from, &to), relative_by_parts(&from, &to));
        }
    }
}
