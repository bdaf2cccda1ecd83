//! `privdoc export`: each format's bytes against a reviewed golden file, the JSON against
//! the schema `privdoc schema` publishes, the record of processing as well-formed CSV, and
//! the DPV export read by a JSON-LD processor into RDF, every property kept.

use std::collections::BTreeMap;
use std::path::Path;

use crate::support::{bless, edit, fixture, privdoc, repo, text_diff};

fn export(project: &Path, args: &[&str]) -> String {
    let output = privdoc()
        .arg("export")
        .arg(project)
        .args(args)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

/// The export in `args` of the full-service fixture, compared with (or, blessing, written
/// to) `tests/golden/export/<name>`.
fn golden(name: &str, args: &[&str]) -> String {
    let actual = export(&fixture("full-service"), args);
    let path = repo().join("tests/golden/export").join(name);
    if bless() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &actual).unwrap();
    }
    let expected = std::fs::read_to_string(&path).unwrap();
    assert!(
        expected == actual,
        "{name}:\n{}",
        text_diff(&expected, &actual)
    );
    actual
}

#[test]
fn the_json_export_matches_its_golden_file_and_its_published_schema() {
    let text = golden("model.json", &["--format", "json"]);
    let value: serde_json::Value = serde_json::from_str(&text).unwrap();
    let schemas = privdoc().arg("schema").output().unwrap();
    let schemas: serde_json::Value = serde_json::from_slice(&schemas.stdout).unwrap();
    let schema = &schemas["model.schema.json"];
    let validator = jsonschema::validator_for(schema).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&value)
        .map(|e| e.to_string())
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    // The schema is strict enough to refuse what is not the model.
    let mut wrong = value.clone();
    wrong["services"][0]["uses"][0]["legal-basis"] = "because".into();
    assert!(!validator.is_valid(&wrong));
    // Every declared use is there, with its source's data categories filled in.
    let uses = &value["services"][0]["uses"];
    assert_eq!(uses.as_array().unwrap().len(), 3);
    assert_eq!(uses[0]["data-categories"][1], "crash reports");
    assert_eq!(
        value["controller"]["security-url"],
        "https://docs.contoso.example/security"
    );
}

/// RFC 4180 rows: fields separated by commas, rows by CRLF; a quoted field may hold
/// commas, doubled quotes and line ends.
fn csv_rows(text: &str) -> Vec<Vec<String>> {
    let (mut rows, mut row, mut field) = (Vec::new(), Vec::new(), String::new());
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if quoted {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => quoted = false,
                c => field.push(c),
            }
            continue;
        }
        match c {
            '"' => {
                assert!(field.is_empty(), "a quote inside an unquoted field");
                quoted = true;
            }
            ',' => row.push(std::mem::take(&mut field)),
            '\r' => {
                assert_eq!(chars.next(), Some('\n'), "a CR without LF");
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            '\n' => panic!("a line ending without CR"),
            c => field.push(c),
        }
    }
    assert!(
        !quoted && field.is_empty() && row.is_empty(),
        "the last row has no CRLF"
    );
    rows
}

#[test]
fn the_record_of_processing_has_one_row_per_service_and_purpose() {
    let ico = csv_rows(&golden("ropa-ico.csv", &["--format", "ropa-csv"]));
    let cnil = csv_rows(&golden(
        "ropa-cnil.csv",
        &["--format", "ropa-csv", "--template", "cnil"],
    ));
    assert_eq!(ico.len(), 4, "a header and three purposes");
    assert!(ico.iter().chain(&cnil).all(|row| row.len() == 12));
    assert_eq!(ico[0][1], "Purpose of processing");
    assert_eq!(cnil[0][1], "Finalité(s) du traitement");
    assert_eq!(
        ico[1..],
        cnil[1..],
        "the templates differ only in their header"
    );
    let by_column: BTreeMap<&str, &str> = ico[0]
        .iter()
        .map(String::as_str)
        .zip(ico[3].iter().map(String::as_str))
        .collect();
    assert_eq!(by_column["Purpose of processing"], "for support requests");
    assert_eq!(
        by_column["Article 6 lawful basis for processing personal data"],
        "legitimate interests (GDPR Art. 6(1)(f))"
    );
    assert_eq!(
        by_column["Categories of personal data"],
        "support tickets; call recordings"
    );
    // The helpdesk's own rule applies to its row, and to no other.
    assert!(by_column["Retention schedule (if applicable)"].contains("call recordings: 30 days"));
    assert!(!ico[1][10].contains("call recordings"));
    assert!(
        by_column["Name and contact details of controller"].starts_with("Contoso Ltd, 1 Harbour")
    );
}

/// Runs a future that never waits on anything (the JSON-LD processor with no loader).
fn block_on<F: std::future::Future>(future: F) -> F::Output {
    let mut future = std::pin::pin!(future);
    let mut context = std::task::Context::from_waker(std::task::Waker::noop());
    loop {
        if let std::task::Poll::Ready(value) = future.as_mut().poll(&mut context) {
            return value;
        }
    }
}

/// The property-value pairs of a compact JSON-LD node tree, `@type` counted as `rdf:type`.
fn statements(value: &serde_json::Value) -> usize {
    match value {
        serde_json::Value::Array(items) => items.iter().map(statements).sum(),
        serde_json::Value::Object(node) if !node.contains_key("@value") => {
            node.iter()
                .filter(|(key, _)| !matches!(key.as_str(), "@id" | "@context" | "@graph"))
                .map(|(_, value)| match value {
                    serde_json::Value::Array(items) => items.len() + statements(value),
                    _ => 1 + statements(value),
                })
                .sum::<usize>()
                + node.get("@graph").map_or(0, statements)
        }
        _ => 0,
    }
}

#[test]
fn the_dpv_export_is_json_ld_that_a_processor_reads_whole() {
    use json_ld::syntax::Parse as _;
    use json_ld::{JsonLdProcessor as _, RemoteDocument};
    let text = golden("dpv.jsonld", &["--format", "dpv"]);
    let document = RemoteDocument::new(
        None,
        None,
        json_ld::syntax::Value::parse_str(&text).unwrap().0,
    );
    let loader = json_ld::NoLoader;
    let mut rdf = block_on(document.to_rdf(rdf_types::generator::Blank::new(), &loader)).unwrap();
    let quads: Vec<(String, String, String)> = rdf
        .quads()
        .map(|quad| (quad.0.to_string(), quad.1.to_string(), quad.2.to_string()))
        .collect();
    // A term the context does not define is dropped without a word by JSON-LD: every
    // property written must come out as a statement.
    let compact: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(quads.len(), statements(&compact));
    let vocabularies = [
        "https://w3id.org/dpv#",
        "http://purl.org/dc/terms/",
        "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    ];
    for (_, predicate, _) in &quads {
        assert!(
            vocabularies.iter().any(|v| predicate.starts_with(v)),
            "{predicate}"
        );
    }
    let objects = |predicate: &str| -> Vec<&str> {
        quads
            .iter()
            .filter(|(_, p, _)| p == predicate)
            .map(|(_, _, o)| o.as_str())
            .collect()
    };
    let types = objects("http://www.w3.org/1999/02/22-rdf-syntax-ns#type");
    let handlings = types
        .iter()
        .filter(|t| t.ends_with("dpv#PersonalDataHandling"))
        .count();
    assert_eq!(handlings, 3, "one per service and purpose");
    assert!(
        types.iter().all(|t| t.starts_with("https://w3id.org/dpv#")),
        "{types:?}"
    );
    let bases = objects("https://w3id.org/dpv#hasLegalBasis");
    assert_eq!(
        bases,
        [
            "https://w3id.org/dpv/legal/eu/gdpr#A6-1-b",
            "https://w3id.org/dpv/legal/eu/gdpr#A6-1-b",
            "https://w3id.org/dpv/legal/eu/gdpr#A6-1-f"
        ]
    );
    let durations = objects("http://www.w3.org/1999/02/22-rdf-syntax-ns#value");
    assert!(
        durations.contains(&"\"P30D\"^^<http://www.w3.org/2001/XMLSchema#duration>"),
        "{durations:?}"
    );
    assert!(objects("https://w3id.org/dpv#hasLocation").contains(&"https://w3id.org/dpv/loc#US"));
}

#[test]
fn exports_are_byte_identical_from_run_to_run_and_refuse_a_project_with_errors() {
    for format in ["json", "ropa-csv", "dpv"] {
        let args = ["--format", format];
        assert_eq!(
            export(&fixture("full-service"), &args),
            export(&fixture("full-service"), &args)
        );
    }
    // The bundled example exports too (it declares no controller).
    let example = export(&repo(), &["--format", "ropa-csv"]);
    assert!(example.lines().count() > 5, "{example}");
    let broken = crate::support::copy_project(&fixture("full-service"));
    edit(
        broken.path(),
        "content/services/workplace.toml",
        "legal-basis = \"contract\"",
        "legal-basis = \"because\"",
    );
    let output = privdoc()
        .args(["export", "--format", "json"])
        .arg(broken.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(output.stdout.is_empty());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("content/services/workplace.toml:"),
        "{stderr}"
    );
}
