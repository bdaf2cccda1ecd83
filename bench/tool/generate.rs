//! The seeded generator of synthetic projects: N services drawing on a shared pool of
//! sources, each with 8–10 sections of prose, retention rules, storage and staff locations
//! and about 30 links, of which about 2% are planted broken links or anchors; a few pages
//! repeat a sentence. Everything comes from one `SplitMix64` stream, so a seed names a
//! project byte for byte.
//!
//! Layout of the output directory:
//!
//! ```text
//! project/     the privdoc project (book.toml, content/services, content/sources, snippets)
//! planted.tsv  the planted defects: kind, page, declaration file, link target or sentence
//! ```
//!
//! [`hand_written`] then turns the project's Markdown output into the tree of hand-written
//! pages the peers build (`tree/`, `hugo/`, `mdbook/`, `zola/`).

use std::fmt::Write as _;
use std::fs;
use std::io;
use std::path::Path;

use super::words::{
    CATEGORIES, CHANNELS, COUNTRIES, FACILITIES, FREE_SECTIONS, NAME_NOUNS, NAME_PREFIXES,
    NAME_SUFFIXES, OBJECTS, PERIODS, PURPOSES, QUALIFIERS, REASONS, SERVICE_ANCHORS,
    SOURCE_EDITIONS, SOURCE_PRODUCTS, TEAMS, TRIGGERS, VERBS,
};

/// Chance that a relative link in prose is planted broken (about 2% of all links).
const PLANT: f64 = 0.11;
/// One service in this many repeats a sentence within its page.
const DUPLICATE_EVERY: usize = 97;

/// `SplitMix64`: tiny, fast, and the same on every machine.
pub(crate) struct Rng(u64);

impl Rng {
    pub(crate) fn new(seed: u64) -> Self {
        Self(seed)
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % n as u64).expect("below a usize")
    }

    /// A number in `low..=high`.
    fn between(&mut self, low: usize, high: usize) -> usize {
        low + self.below(high - low + 1)
    }

    fn chance(&mut self, p: f64) -> bool {
        #[allow(clippy::cast_precision_loss)]
        let unit = (self.next() >> 11) as f64 / (1u64 << 53) as f64;
        unit < p
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }

    /// Between `low` and `high` distinct indices below `n`, in random order.
    fn sample(&mut self, n: usize, low: usize, high: usize) -> Vec<usize> {
        let count = self.between(low, high);
        let mut chosen = Vec::with_capacity(count);
        while chosen.len() < count.min(n) {
            let i = self.below(n);
            if !chosen.contains(&i) {
                chosen.push(i);
            }
        }
        chosen
    }
}

/// A planted defect, as the checkers should report it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Planted {
    /// `broken-link`, `broken-anchor` or `duplicate-sentence`.
    pub(crate) kind: String,
    /// The page it is on, relative to the site root (`services/x.md`).
    pub(crate) page: String,
    /// The file a writer edits (`content/services/x.toml`).
    pub(crate) declaration: String,
    /// The link destination as written, or the repeated sentence.
    pub(crate) target: String,
}

impl Planted {
    pub(crate) fn to_tsv(list: &[Planted]) -> String {
        let mut out = String::from("kind\tpage\tdeclaration\ttarget\n");
        for p in list {
            let _ = writeln!(
                out,
                "{}\t{}\t{}\t{}",
                p.kind, p.page, p.declaration, p.target
            );
        }
        out
    }

    pub(crate) fn from_tsv(text: &str) -> Vec<Planted> {
        text.lines()
            .skip(1)
            .filter_map(|line| {
                let mut fields = line.splitn(4, '\t');
                Some(Planted {
                    kind: fields.next()?.to_owned(),
                    page: fields.next()?.to_owned(),
                    declaration: fields.next()?.to_owned(),
                    target: fields.next()?.to_owned(),
                })
            })
            .collect()
    }
}

struct Entity {
    id: String,
    name: String,
}

fn slug(name: &str) -> String {
    name.to_lowercase().replace(' ', "-")
}

/// Service `i`'s name: unique for every `i`, spread over the name lists.
fn service_name(i: usize) -> String {
    let combos = NAME_PREFIXES.len() * NAME_NOUNS.len() * NAME_SUFFIXES.len();
    // 7,919 is prime and does not divide `combos`, so this walks every combination once.
    let j = (i * 7919) % combos;
    let name = format!(
        "{} {} {}",
        NAME_PREFIXES[j % NAME_PREFIXES.len()],
        NAME_NOUNS[(j / NAME_PREFIXES.len()) % NAME_NOUNS.len()],
        NAME_SUFFIXES[j / (NAME_PREFIXES.len() * NAME_NOUNS.len())]
    );
    match i / combos {
        0 => name,
        round => format!("{name} {}", round + 1),
    }
}

fn source_name(i: usize) -> String {
    let vendor = NAME_PREFIXES[i % NAME_PREFIXES.len()];
    let product = SOURCE_PRODUCTS[(i / NAME_PREFIXES.len()) % SOURCE_PRODUCTS.len()];
    let combos = NAME_PREFIXES.len() * SOURCE_PRODUCTS.len();
    let edition = SOURCE_EDITIONS[(i / combos) % SOURCE_EDITIONS.len()];
    match i / (combos * SOURCE_EDITIONS.len()) {
        0 => format!("{vendor} {product}{edition}"),
        round => format!("{vendor} {product}{edition} {}", round + 1),
    }
}

/// How many sources the shared pool has for `services` services.
fn pool_size(services: usize) -> usize {
    (services / 8).clamp(20, 2400)
}

/// A TOML basic string.
fn quoted(text: &str) -> String {
    format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
}

/// A TOML multi-line basic string.
fn block(text: &str) -> String {
    format!(
        "\"\"\"\n{}\n\"\"\"",
        text.replace('\\', "\\\\").replace("\"\"\"", "\\\"\"\"")
    )
}

fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_uppercase().chain(chars).collect()
    })
}

/// The prose of one service page: sentences that never share a slot, and links, some of
/// them planted broken.
struct Writer<'a> {
    rng: &'a mut Rng,
    services: &'a [Entity],
    sources: &'a [Entity],
    me: usize,
    counter: usize,
    offsets: [usize; 4],
    planted: Vec<Planted>,
}

impl Writer<'_> {
    fn slots(&mut self) -> (&'static str, &'static str, &'static str, &'static str) {
        let at = self.counter;
        self.counter += 1;
        let [verb, object, purpose, qualifier] = self.offsets;
        (
            VERBS[(verb + at) % VERBS.len()],
            OBJECTS[(object + at) % OBJECTS.len()],
            PURPOSES[(purpose + at) % PURPOSES.len()],
            QUALIFIERS[(qualifier + at) % QUALIFIERS.len()],
        )
    }

    fn name(&self) -> &str {
        &self.services[self.me].name
    }

    /// A plain sentence naming the service.
    fn sentence(&mut self) -> String {
        let (verb, object, purpose, qualifier) = self.slots();
        let name = self.name();
        if self.counter.is_multiple_of(2) {
            format!("{name} {verb} {object} {purpose}, {qualifier}.")
        } else {
            format!(
                "{}, {name} {verb} {object} {qualifier}.",
                capitalized(purpose)
            )
        }
    }

    fn sentences(&mut self, count: usize) -> String {
        (0..count)
            .map(|_| self.sentence())
            .collect::<Vec<_>>()
            .join(" ")
    }

    fn other_service(&mut self) -> &Entity {
        let mut other = self.rng.below(self.services.len());
        if other == self.me {
            other = (other + 1) % self.services.len();
        }
        &self.services[other]
    }

    /// Records a planted defect on this page.
    fn plant(&mut self, kind: &str, target: &str) {
        let id = &self.services[self.me].id;
        self.planted.push(Planted {
            kind: kind.to_owned(),
            page: format!("services/{id}.md"),
            declaration: format!("content/services/{id}.toml"),
            target: target.to_owned(),
        });
    }

    /// A relative link to `page` (`../services/x.md`) and `anchor`, planted broken now and then.
    fn relative(&mut self, page: &str, anchor: &str) -> String {
        if !self.rng.chance(PLANT) {
            return format!("{page}.md#{anchor}");
        }
        let (kind, target) = if self.rng.chance(0.5) {
            ("broken-link", format!("{page}-legacy.md#{anchor}"))
        } else {
            ("broken-anchor", format!("{page}.md#{anchor}-details"))
        };
        self.plant(kind, &target);
        target
    }

    /// A sentence with a link: relative, a reference, an overview or external.
    fn link_sentence(&mut self) -> String {
        let (verb, object, _, qualifier) = self.slots();
        let name = self.name().to_owned();
        match self.rng.below(6) {
            0 | 1 => {
                let other = self.other_service();
                let (other_id, other_name) = (other.id.clone(), other.name.clone());
                let anchor = self.rng.pick(&SERVICE_ANCHORS);
                let dest = self.relative(&format!("../services/{other_id}"), anchor);
                format!(
                    "{name} shares {object} with {other_name} {qualifier}; see [how {other_name} handles them]({dest})."
                )
            }
            2 => {
                let source = &self.sources[self.rng.below(self.sources.len())];
                let (source_id, source_name) = (source.id.clone(), source.name.clone());
                let dest = self.relative(&format!("../sources/{source_id}"), "collects");
                format!(
                    "{name} {verb} {object} that [{source_name}]({dest}) collects, {qualifier}."
                )
            }
            3 => {
                let other = self.other_service();
                let other_id = other.id.clone();
                format!(
                    "[](@services/{other_id}#storage) keeps its own copy of the {object} that {name} {verb}."
                )
            }
            4 => {
                let source = &self.sources[self.rng.below(self.sources.len())];
                let source_id = source.id.clone();
                format!(
                    "{name} {verb} {object} received from [](@sources/{source_id}) {qualifier}."
                )
            }
            _ => {
                let id = &self.services[self.me].id;
                format!(
                    "{name} {verb} {object} as the [{name} technical reference](https://docs.example.com/{id}/{}) describes.",
                    slug(object)
                )
            }
        }
    }

    fn paragraph(&mut self, sentences: usize) -> String {
        let mut text = self.sentences(sentences);
        text.push(' ');
        text.push_str(&self.link_sentence());
        text
    }
}

/// Writes the project for `services` services and returns what was planted.
pub(crate) fn generate(out: &Path, services: usize, seed: u64) -> io::Result<Vec<Planted>> {
    let mut rng = Rng::new(seed);
    let project = out.join("project");
    if project.exists() {
        fs::remove_dir_all(&project)?;
    }
    let content = project.join("content");
    for dir in ["services", "sources", "snippets"] {
        fs::create_dir_all(content.join(dir))?;
    }
    fs::write(project.join("book.toml"), BOOK_TOML)?;
    fs::write(
        content.join("snippets/processor-duties.md"),
        "When we process data, we follow the documented directions you provide, as referenced in the [Online Services Terms](https://www.example.com/licensing/terms) and the [Privacy Statement](https://privacy.example.com/statement).\n",
    )?;

    let sources: Vec<Entity> = (0..pool_size(services))
        .map(|i| {
            let name = source_name(i);
            Entity {
                id: slug(&name),
                name,
            }
        })
        .collect();
    for (i, source) in sources.iter().enumerate() {
        fs::write(
            content.join(format!("sources/{}.toml", source.id)),
            source_toml(&mut rng, source, i),
        )?;
    }

    let entities: Vec<Entity> = (0..services)
        .map(|i| {
            let name = service_name(i);
            Entity {
                id: slug(&name),
                name,
            }
        })
        .collect();
    let base = rng.below(SLOT_COMBINATIONS);
    let mut planted = Vec::new();
    for i in 0..services {
        let (toml, mut found) = service_toml(&mut rng, base, &entities, &sources, i);
        fs::write(
            content.join(format!("services/{}.toml", entities[i].id)),
            toml,
        )?;
        planted.append(&mut found);
    }
    fs::write(out.join("planted.tsv"), Planted::to_tsv(&planted))?;
    Ok(planted)
}

const BOOK_TOML: &str = r#"[book]
title = "Synthetic privacy pages"
language = "en"
src = "content"

[build]
build-dir = "book"

[preprocessor.privdoc]
outputs = ["markdown", "html"]

# The planted defects are warnings so that `privdoc build` writes the site (with errors it
# writes nothing); `privdoc check` reports them all the same.
[preprocessor.privdoc.checks]
broken-link = "warn"
broken-anchor = "warn"
duplicate-sentence = "warn"
"#;

fn source_toml(rng: &mut Rng, source: &Entity, i: usize) -> String {
    let name = &source.name;
    let collects: Vec<String> = rng
        .sample(OBJECTS.len(), 3, 3)
        .into_iter()
        .map(|o| quoted(OBJECTS[o]))
        .collect();
    let description = format!(
        "{name} {} {} {}, {}.",
        VERBS[i % VERBS.len()],
        OBJECTS[i % OBJECTS.len()],
        PURPOSES[i % PURPOSES.len()],
        QUALIFIERS[i % QUALIFIERS.len()]
    );
    format!(
        "name = {}\nurl = {}\nprivacy-url = {}\nprivacy-title = {}\ncollects = [{}]\ndescription = {}\n",
        quoted(name),
        quoted(&format!("https://www.example.com/products/{}", source.id)),
        quoted(&format!("https://www.example.com/privacy/{}", source.id)),
        quoted(&format!("Data collection in {name}")),
        collects.join(", "),
        block(&description)
    )
}

/// How many distinct offset tuples the four slot lists allow (41 · 43 · 47 · 53).
const SLOT_COMBINATIONS: usize = VERBS.len() * OBJECTS.len() * PURPOSES.len() * QUALIFIERS.len();

/// Service `me`'s starting offsets in the four slot lists: a different tuple for every
/// service (7,919 is prime and divides no list length), so two services never write the
/// same sequence of sentences — which, between services named alike ("Alpine Glacier
/// Cloud", "Coho Glacier Cloud"), would be real near-duplicates nobody planted.
fn slot_offsets(base: usize, me: usize) -> [usize; 4] {
    let code = (base + me * 7919) % SLOT_COMBINATIONS;
    [
        code % VERBS.len(),
        (code / VERBS.len()) % OBJECTS.len(),
        (code / (VERBS.len() * OBJECTS.len())) % PURPOSES.len(),
        (code / (VERBS.len() * OBJECTS.len() * PURPOSES.len())) % QUALIFIERS.len(),
    ]
}

#[allow(clippy::too_many_lines)]
fn service_toml(
    rng: &mut Rng,
    base: usize,
    services: &[Entity],
    sources: &[Entity],
    me: usize,
) -> (String, Vec<Planted>) {
    let offsets = slot_offsets(base, me);
    let mut w = Writer {
        rng,
        services,
        sources,
        me,
        counter: 0,
        offsets,
        planted: Vec::new(),
    };
    let name = w.name().to_owned();
    let mut t = String::new();

    let _ = writeln!(t, "name = {}", quoted(&name));
    let summary = w.sentences(3);
    let _ = writeln!(t, "summary = {}", block(&summary));
    let mut processing = w.paragraph(2);
    let first_processing = processing.split(". ").next().unwrap_or_default().to_owned() + ".";
    if w.rng.chance(0.3) {
        processing.push_str(" {{#include snippets/processor-duties.md}}");
    }
    let _ = writeln!(t, "processing = {}", block(&processing));
    let _ = writeln!(
        t,
        "\n[page]\ntitle = \"Privacy and personal data\"\ndescription = {}",
        quoted(&format!("How {name} collects, stores, and retains data"))
    );

    let used = w.rng.sample(sources.len(), 5, 12);
    for (n, &s) in used.iter().enumerate() {
        let (object, purpose) = {
            let (_, object, purpose, _) = w.slots();
            (object, purpose)
        };
        let _ = writeln!(t, "\n[[sources]]\nsource = {}", quoted(&sources[s].id));
        if n > 0 && w.rng.chance(0.2) {
            let _ = writeln!(t, "under = {}", quoted(&sources[used[0]].id));
        }
        let _ = writeln!(
            t,
            "purpose = {}",
            quoted(&format!("provides {object} {purpose} in {name}"))
        );
        if w.rng.chance(0.5) {
            let details = w.paragraph(1);
            let _ = writeln!(t, "details = {}", block(&details));
        }
    }

    let locations: Vec<String> = w
        .rng
        .sample(COUNTRIES.len(), 1, 3)
        .into_iter()
        .map(|c| quoted(COUNTRIES[c]))
        .collect();
    let facility = w.rng.pick(&FACILITIES);
    let storage_details = w.link_sentence();
    let _ = writeln!(
        t,
        "\n[storage]\nlocations = [{}]\nfacility = {}\nfollows-residency = {}\ndetails = {}",
        locations.join(", "),
        quoted(facility),
        w.rng.chance(0.3),
        block(&storage_details)
    );

    let categories = w.rng.sample(CATEGORIES.len(), 2, 4);
    for (n, &c) in categories.iter().enumerate() {
        let _ = writeln!(t, "\n[[retention]]\ndata = {}", quoted(CATEGORIES[c]));
        let _ = writeln!(t, "period = {}", quoted(w.rng.pick(&PERIODS)));
        if n == 0 {
            let trigger = w.rng.pick(&TRIGGERS).replace("the service", &name);
            let _ = writeln!(t, "trigger = {}", quoted(&trigger));
        } else {
            let source = &sources[used[w.rng.below(used.len())]];
            let _ = writeln!(t, "source = {}", quoted(&source.id));
            let _ = writeln!(t, "reason = {}", quoted(w.rng.pick(&REASONS)));
            let (_, object, _, _) = w.slots();
            let _ = writeln!(
                t,
                "condition = {}",
                quoted(&format!("if the customer turns on {object} in {name}"))
            );
        }
    }

    for team in w.rng.sample(TEAMS.len(), 1, 2) {
        let places: Vec<String> = w
            .rng
            .sample(COUNTRIES.len(), 1, 3)
            .into_iter()
            .map(|c| quoted(COUNTRIES[c]))
            .collect();
        let _ = writeln!(
            t,
            "\n[[staff]]\nteams = [{}]\nlocations = [{}]",
            quoted(TEAMS[team]),
            places.join(", ")
        );
    }

    let channels: Vec<String> = w
        .rng
        .sample(CHANNELS.len(), 1, 3)
        .into_iter()
        .map(|c| quoted(&format!("{name} {}", CHANNELS[c])))
        .collect();
    let _ = writeln!(
        t,
        "\n[change-notice]\ndays = {}\nchannels = [{}]",
        w.rng.between(7, 90),
        channels.join(", ")
    );

    let free = w.rng.sample(FREE_SECTIONS.len(), 2, 3);
    for (n, &s) in free.iter().enumerate() {
        let mut body = format!("{}\n\n{}", w.paragraph(2), w.paragraph(2));
        if n + 1 == free.len() && me % DUPLICATE_EVERY == DUPLICATE_EVERY / 2 {
            body.push(' ');
            body.push_str(&first_processing);
            w.plant("duplicate-sentence", &first_processing);
        }
        let _ = writeln!(t, "\n[[sections]]\ntitle = {}", quoted(FREE_SECTIONS[s]));
        if n == 0 && w.rng.chance(0.5) {
            let _ = writeln!(t, "after = \"storage\"");
        }
        let _ = writeln!(t, "body = {}", block(&body));
    }
    (t, w.planted)
}
