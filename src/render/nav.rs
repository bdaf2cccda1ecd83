//! The site's navigation, decided once: the pages in reading order, grouped in sections.
//! The same order makes `SUMMARY.md` (`mdBook`), `toc.yml` (`DocFX` / Microsoft Learn), the
//! HTML sidebar and the previous/next links, so they can never disagree.

use std::collections::HashMap;
use std::fmt::Write;

use serde::Serialize;

use super::front_matter::quote;
use super::{html_path, paths, title_of};
use crate::model::Model;

/// A page in the navigation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Entry {
    /// Its title in the navigation.
    pub title: String,
    /// Its site path (`services/mmd.md`).
    pub path: String,
}

/// A titled group of pages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Section {
    /// The group's title ("Services").
    pub title: String,
    /// Its pages, in order.
    pub entries: Vec<Entry>,
}

/// The whole navigation.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Nav {
    /// The index page, outside any section.
    pub index: Option<Entry>,
    /// The sections, in order.
    pub sections: Vec<Section>,
    /// Each page's place, so that a page's view costs the same in a site of any size.
    places: HashMap<String, Place>,
}

/// Where a page sits in the navigation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Place {
    /// Its section (`None`: the index) and its index there.
    section: Option<usize>,
    within: usize,
    /// Its position in reading order.
    order: usize,
}

/// A sidebar section longer than this shows [`WINDOW`] pages on each side of the current
/// one and a link to the rest, so each HTML page stays the same size however large the
/// site is (listing every page on every page would make the site quadratic in pages).
const SIDEBAR_FULL: usize = 25;
const WINDOW: usize = 10;

/// Whether any service declares recipients, so that the recipients overview exists.
#[must_use]
pub(super) fn has_recipients(model: &Model) -> bool {
    model.services.iter().any(|s| !s.recipients.is_empty())
}

/// Whether the model declares anything, so that the overview pages exist.
#[must_use]
pub(super) fn has_overviews(model: &Model) -> bool {
    !model.services.is_empty() || !model.sources.is_empty()
}

impl Nav {
    /// The navigation of the site `model` makes.
    #[must_use]
    pub(crate) fn of(model: &Model) -> Self {
        let mut nav = Self::default();
        if has_overviews(model) {
            nav.index = Some(Entry {
                title: "Overview".into(),
                path: "index.md".into(),
            });
            let mut services: Vec<Entry> = model
                .services
                .iter()
                .map(|s| Entry {
                    title: s.name.clone(),
                    path: s.id.page(),
                })
                .collect();
            services.sort_by(|a, b| (&a.title, &a.path).cmp(&(&b.title, &b.path)));
            let mut sources: Vec<Entry> = model
                .sources
                .iter()
                .map(|s| Entry {
                    title: s.name.clone(),
                    path: s.id.page(),
                })
                .collect();
            sources.sort_by(|a, b| (&a.title, &a.path).cmp(&(&b.title, &b.path)));
            nav.push("Services", services);
            nav.push("Data sources", sources);
            let mut overviews = vec![
                Entry {
                    title: "Data retention".into(),
                    path: "retention.md".into(),
                },
                Entry {
                    title: "Data and staff locations".into(),
                    path: "locations.md".into(),
                },
            ];
            if has_recipients(model) {
                overviews.push(Entry {
                    title: "Recipients".into(),
                    path: "recipients.md".into(),
                });
            }
            nav.push("Overviews", overviews);
        }
        let pages = model
            .pages
            .iter()
            .map(|page| {
                let stem = page
                    .path
                    .trim_end_matches(".md")
                    .rsplit('/')
                    .next()
                    .unwrap_or(&page.path);
                let title =
                    title_of(&page.front_matter).map_or_else(|| stem.to_owned(), str::to_owned);
                Entry {
                    title,
                    path: page.path.clone(),
                }
            })
            .collect();
        nav.push("Pages", pages);
        nav.place();
        nav
    }

    /// A navigation of `index` and `sections`.
    #[cfg(test)]
    #[must_use]
    pub(crate) fn new(index: Option<Entry>, sections: Vec<Section>) -> Self {
        let mut nav = Self {
            index,
            sections,
            places: HashMap::new(),
        };
        nav.place();
        nav
    }

    fn place(&mut self) {
        let mut order = 0;
        if let Some(index) = &self.index {
            let place = Place {
                section: None,
                within: 0,
                order,
            };
            self.places.insert(index.path.clone(), place);
            order += 1;
        }
        for (s, section) in self.sections.iter().enumerate() {
            for (within, entry) in section.entries.iter().enumerate() {
                let place = Place {
                    section: Some(s),
                    within,
                    order,
                };
                self.places.entry(entry.path.clone()).or_insert(place);
                order += 1;
            }
        }
    }

    /// The entry at position `order` in reading order.
    fn at(&self, mut order: usize) -> Option<&Entry> {
        if let Some(index) = &self.index {
            if order == 0 {
                return Some(index);
            }
            order -= 1;
        }
        for section in &self.sections {
            match section.entries.get(order) {
                Some(entry) => return Some(entry),
                None => order -= section.entries.len(),
            }
        }
        None
    }

    fn push(&mut self, title: &str, entries: Vec<Entry>) {
        if !entries.is_empty() {
            self.sections.push(Section {
                title: title.to_owned(),
                entries,
            });
        }
    }

    /// `SUMMARY.md` in mdBook's format: the index as a prefix chapter, a part title per section.
    #[must_use]
    pub(crate) fn summary_md(&self) -> String {
        let mut out = String::from("# Summary\n\n");
        if let Some(index) = &self.index {
            writeln!(
                out,
                "[{}]({})\n",
                super::escape_markdown(&index.title),
                index.path
            )
            .expect("writing to a String");
        }
        for section in &self.sections {
            writeln!(out, "# {}\n", section.title).expect("writing to a String");
            for entry in &section.entries {
                writeln!(
                    out,
                    "- [{}]({})",
                    super::escape_markdown(&entry.title),
                    super::link_destination(&entry.path)
                )
                .expect("writing to a String");
            }
            out.push('\n');
        }
        out.truncate(out.trim_end().len());
        out.push('\n');
        out
    }

    /// `toc.yml` in the `DocFX` format Microsoft Learn uses.
    #[must_use]
    pub(crate) fn toc_yml(&self) -> String {
        let mut out = String::new();
        if let Some(index) = &self.index {
            writeln!(
                out,
                "- name: {}\n  href: {}",
                quote(&index.title),
                quote(&index.path)
            )
            .expect("writing to a String");
        }
        for section in &self.sections {
            writeln!(out, "- name: {}\n  items:", quote(&section.title))
                .expect("writing to a String");
            for entry in &section.entries {
                writeln!(
                    out,
                    "    - name: {}\n      href: {}",
                    quote(&entry.title),
                    quote(&entry.path)
                )
                .expect("writing to a String");
            }
        }
        out
    }

    /// The navigation as seen from the page at `page`: links relative to it, the page
    /// itself marked current, and its neighbours in reading order. A long section shows
    /// the pages around this one (or its first pages) and links to the rest in the index.
    #[must_use]
    pub(crate) fn view(&self, page: &str) -> View {
        let link = |entry: &Entry| Link {
            title: entry.title.clone(),
            href: html_path(&paths::relative(page, &entry.path)),
            current: entry.path == page,
        };
        let place = self.places.get(page).copied();
        let mut sections = Vec::new();
        if let Some(index) = &self.index {
            sections.push(ViewSection {
                title: "Start".into(),
                items: vec![link(index)],
                more: None,
            });
        }
        for (s, section) in self.sections.iter().enumerate() {
            let count = section.entries.len();
            if count <= SIDEBAR_FULL {
                sections.push(ViewSection {
                    title: section.title.clone(),
                    items: section.entries.iter().map(link).collect(),
                    more: None,
                });
                continue;
            }
            let here = place
                .filter(|p| p.section == Some(s))
                .map_or(0, |p| p.within);
            let start = here.saturating_sub(WINDOW).min(count - (2 * WINDOW + 1));
            let items = section.entries[start..=start + 2 * WINDOW]
                .iter()
                .map(link)
                .collect();
            let more = self.index.as_ref().map(|index| Link {
                title: format!("All {count} pages"),
                href: format!(
                    "{}#{}",
                    html_path(&paths::relative(page, &index.path)),
                    crate::markdown::slug(&section.title)
                ),
                current: false,
            });
            sections.push(ViewSection {
                title: section.title.clone(),
                items,
                more,
            });
        }
        let order = place.map(|p| p.order);
        // Breadcrumbs: the start page, then the page's section (listed on the start page).
        let home = self.index.as_ref().filter(|index| index.path != page);
        let section = place.and_then(|p| p.section).map(|s| Link {
            title: self.sections[s].title.clone(),
            href: home.map_or_else(String::new, |index| {
                format!(
                    "{}#{}",
                    html_path(&paths::relative(page, &index.path)),
                    crate::markdown::slug(&self.sections[s].title)
                )
            }),
            current: false,
        });
        View {
            home: home.map(link),
            section,
            sections,
            previous: order
                .and_then(|at| at.checked_sub(1))
                .and_then(|at| self.at(at))
                .map(link),
            next: order.and_then(|at| self.at(at + 1)).map(link),
        }
    }
}

/// A link in the HTML navigation.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Link {
    /// The text.
    pub title: String,
    /// Relative to the page showing it.
    pub href: String,
    /// The page showing it.
    pub current: bool,
}

/// A section of the HTML navigation.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct ViewSection {
    /// The heading.
    pub title: String,
    /// Its links.
    pub items: Vec<Link>,
    /// Where the rest of a long section is listed.
    pub more: Option<Link>,
}

/// The navigation of one HTML page.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct View {
    /// The start page, unless this is it.
    pub home: Option<Link>,
    /// The page's section, linked to its list on the start page.
    pub section: Option<Link>,
    /// The sidebar.
    pub sections: Vec<ViewSection>,
    /// The page before this one in reading order.
    pub previous: Option<Link>,
    /// The page after it.
    pub next: Option<Link>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nav() -> Nav {
        Nav::new(
            Some(Entry {
                title: "Overview".into(),
                path: "index.md".into(),
            }),
            vec![Section {
                title: "Services".into(),
                entries: vec![
                    Entry {
                        title: "A [b]".into(),
                        path: "services/a.md".into(),
                    },
                    Entry {
                        title: "C: d".into(),
                        path: "services/c.md".into(),
                    },
                ],
            }],
        )
    }

    #[test]
    fn summary_and_toc_follow_their_formats() {
        assert_eq!(
            nav().summary_md(),
            "# Summary\n\n[Overview](index.md)\n\n# Services\n\n- [A \\[b\\]](services/a.md)\n- [C: d](services/c.md)\n"
        );
        assert_eq!(
            nav().toc_yml(),
            "- name: \"Overview\"\n  href: \"index.md\"\n- name: \"Services\"\n  items:\n    - name: \"A [b]\"\n      href: \"services/a.md\"\n    - name: \"C: d\"\n      href: \"services/c.md\"\n"
        );
    }

    #[test]
    fn the_view_links_relatively_and_knows_the_neighbours() {
        let view = nav().view("services/a.md");
        assert_eq!(view.sections[0].items[0].href, "../index.html");
        assert!(view.sections[1].items[0].current);
        assert_eq!(view.previous.unwrap().href, "../index.html");
        assert_eq!(view.next.unwrap().href, "c.html");
    }

    #[test]
    fn a_long_section_shows_a_window_and_links_to_the_rest() {
        let entries = (0..100)
            .map(|i| Entry {
                title: format!("S{i:03}"),
                path: format!("services/s{i:03}.md"),
            })
            .collect();
        let index = Entry {
            title: "Overview".into(),
            path: "index.md".into(),
        };
        let section = Section {
            title: "Services".into(),
            entries,
        };
        let nav = Nav::new(Some(index), vec![section]);

        let view = nav.view("services/s050.md");
        let shown: Vec<&str> = view.sections[1]
            .items
            .iter()
            .map(|l| l.title.as_str())
            .collect();
        assert_eq!(shown.len(), 2 * WINDOW + 1);
        assert_eq!((shown[0], shown[20]), ("S040", "S060"));
        assert!(view.sections[1].items[WINDOW].current);
        let more = view.sections[1].more.as_ref().unwrap();
        assert_eq!(
            (more.title.as_str(), more.href.as_str()),
            ("All 100 pages", "../index.html#services")
        );
        assert_eq!(view.previous.unwrap().title, "S049");
        assert_eq!(view.next.unwrap().title, "S051");

        let last = nav.view("services/s099.md");
        assert_eq!(last.sections[1].items[0].title, "S079");
        assert!(last.next.is_none());
        let from_index = nav.view("index.md");
        assert_eq!(from_index.sections[1].items[0].title, "S000");
        assert_eq!(from_index.next.unwrap().title, "S000");
    }
}
