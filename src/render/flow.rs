//! The data-flow picture of a service page: an inline SVG drawn from the declarations —
//! the sources on the left, the service in the middle, where data goes on the right
//! (storage locations and scheduled moves, staff locations, recipients and their
//! countries) — with a text alternative that states the same facts. Colours come from the
//! page's stylesheet (`.flow-*` classes), so it follows dark mode and prints in black.

use std::fmt::Write as _;

use super::escape_html;
use crate::model::{Location, Model, Service};

/// One box of the picture: its label, where it links, and its full text for a tooltip.
struct Node {
    label: String,
    href: String,
    kind: &'static str,
}

const WIDTH: u32 = 820;
const COLUMN: u32 = 240;
const ROW: u32 = 40;
const BOX: u32 = 30;
/// Characters a box holds at the picture's type size.
const FITS: usize = 32;

/// The figure (`<figure>` with the SVG and its text alternative) for `service`, whose
/// page links to source pages through `to_sources` (`../sources/`).
pub(super) fn figure(service: &Service, model: &Model, to_sources: &str) -> String {
    let sources: Vec<Node> = service
        .sources
        .iter()
        .map(|used| Node {
            label: model
                .source(&used.source)
                .map_or_else(|| used.source.to_string(), |s| s.name.clone()),
            href: format!("{to_sources}{}.html", used.source),
            kind: "source",
        })
        .collect();
    let facts = Facts::of(service);
    let mut targets: Vec<Node> = Vec::new();
    for (label, href, kind) in facts.rows() {
        targets.push(Node {
            label,
            href: href.to_owned(),
            kind,
        });
    }
    let rows = sources.len().max(targets.len()).max(1);
    let height = u32::try_from(rows)
        .unwrap_or(u32::MAX / ROW)
        .saturating_mul(ROW)
        + 20;
    let mut svg = String::new();
    let _ = write!(
        svg,
        "<svg class=\"flow\" viewBox=\"0 0 {WIDTH} {height}\" role=\"img\" aria-labelledby=\"flow-title\" xmlns=\"http://www.w3.org/2000/svg\">\n<title id=\"flow-title\">Where the data of {} comes from and goes</title>\n",
        escape_html(&service.name)
    );
    let middle_y = height / 2;
    let center_x = (WIDTH - COLUMN) / 2;
    // Lines first, so the boxes sit on top of them.
    for (side, nodes) in [(0, &sources), (1, &targets)] {
        for (row, _) in nodes.iter().enumerate() {
            let y = row_y(row, nodes.len(), height) + BOX / 2;
            let (x1, x2) = if side == 0 {
                (COLUMN, center_x)
            } else {
                (center_x + COLUMN, WIDTH - COLUMN)
            };
            let _ = writeln!(
                svg,
                "<line class=\"flow-edge\" x1=\"{x1}\" y1=\"{}\" x2=\"{x2}\" y2=\"{}\"/>",
                if side == 0 { y } else { middle_y },
                if side == 0 { middle_y } else { y }
            );
        }
    }
    for (side, nodes) in [(0, &sources), (2, &targets)] {
        for (row, node) in nodes.iter().enumerate() {
            let x = side * (WIDTH - COLUMN) / 2;
            draw(&mut svg, node, x, row_y(row, nodes.len(), height));
        }
    }
    let service_node = Node {
        label: service.name.clone(),
        href: "#overview".to_owned(),
        kind: "service",
    };
    draw(&mut svg, &service_node, center_x, middle_y - BOX / 2);
    svg.push_str("</svg>\n");
    let mut text = String::from("<ul class=\"flow-text\">\n");
    let names: Vec<String> = sources.iter().map(|s| escape_html(&s.label)).collect();
    let _ = writeln!(text, "<li>Sources: {}</li>", or_none(&names.join(", ")));
    for (title, value) in facts.sentences() {
        let _ = writeln!(text, "<li>{title}: {}</li>", or_none(&escape_html(&value)));
    }
    text.push_str("</ul>\n");
    format!(
        "<figure class=\"flow-figure\" aria-labelledby=\"flow-caption\">\n{svg}<figcaption id=\"flow-caption\">Data flow of {}</figcaption>\n<details class=\"flow-details\" open>\n<summary>The data flow as text</summary>\n{text}</details>\n</figure>\n",
        escape_html(&service.name)
    )
}

fn or_none(text: &str) -> &str {
    if text.is_empty() {
        "none declared"
    } else {
        text
    }
}

/// The top of row `row` of `count`, centred in `height`.
fn row_y(row: usize, count: usize, height: u32) -> u32 {
    let count = u32::try_from(count).unwrap_or(u32::MAX / ROW);
    let row = u32::try_from(row).unwrap_or(u32::MAX / ROW);
    let top = (height - count.saturating_mul(ROW)) / 2;
    top + row * ROW + (ROW - BOX) / 2
}

fn draw(svg: &mut String, node: &Node, x: u32, y: u32) {
    let label = if node.label.chars().count() > FITS {
        let cut: String = node.label.chars().take(FITS - 1).collect();
        format!("{}…", cut.trim_end())
    } else {
        node.label.clone()
    };
    let _ = writeln!(
        svg,
        "<a href=\"{}\"><g class=\"flow-node flow-{}\"><title>{}</title><rect x=\"{x}\" y=\"{y}\" width=\"{COLUMN}\" height=\"{BOX}\" rx=\"6\"/><text x=\"{}\" y=\"{}\">{}</text></g></a>",
        escape_html(&node.href),
        node.kind,
        escape_html(&node.label),
        x + 10,
        y + BOX / 2 + 5,
        escape_html(&label)
    );
}

/// Where a service's data goes, as the picture and its text state it.
struct Facts {
    stored: Vec<String>,
    moves: Vec<String>,
    staff: Vec<String>,
    recipients: Vec<String>,
}

impl Facts {
    fn of(service: &Service) -> Self {
        let names = |locations: &[Location]| -> Vec<String> {
            locations.iter().map(|l| l.name.clone()).collect()
        };
        let storage = service.storage.as_ref();
        Self {
            stored: storage.map(|s| names(&s.locations)).unwrap_or_default(),
            moves: storage
                .map(|s| {
                    s.changes
                        .iter()
                        .map(|change| {
                            format!(
                                "{} from {}",
                                names(&change.locations).join(", "),
                                change.effective
                            )
                        })
                        .collect()
                })
                .unwrap_or_default(),
            staff: service.staff.iter().flat_map(|s| names(&s.locations)).fold(
                Vec::new(),
                |mut all, name| {
                    if !all.contains(&name) {
                        all.push(name);
                    }
                    all
                },
            ),
            recipients: service
                .recipients
                .iter()
                .map(|r| {
                    if r.locations.is_empty() {
                        r.name.clone()
                    } else {
                        format!("{} ({})", r.name, names(&r.locations).join(", "))
                    }
                })
                .collect(),
        }
    }

    /// The right-hand boxes: (label, link, kind).
    fn rows(&self) -> Vec<(String, &'static str, &'static str)> {
        let mut rows = Vec::new();
        rows.extend(
            self.stored
                .iter()
                .map(|l| (format!("Stored in {l}"), "#storage", "storage")),
        );
        rows.extend(
            self.moves
                .iter()
                .map(|m| (format!("Moves to {m}"), "#storage", "storage")),
        );
        rows.extend(
            self.staff
                .iter()
                .map(|l| (format!("Staff in {l}"), "#storage", "staff")),
        );
        rows.extend(
            self.recipients
                .iter()
                .map(|r| (r.clone(), "#recipients", "recipient")),
        );
        rows
    }

    /// The text alternative's lines after the sources.
    fn sentences(&self) -> [(&'static str, String); 4] {
        [
            ("Stored in", self.stored.join(", ")),
            ("Scheduled moves", self.moves.join("; ")),
            ("Staff in", self.staff.join(", ")),
            ("Recipients", self.recipients.join("; ")),
        ]
    }
}
