//! `privdoc init` and `privdoc schema`: starting a project and wiring an editor to it.

use super::{Exit, Ui, exit};
use crate::cli::{InitArgs, SchemaArgs};
use crate::load;

/// A new project in `args.dir`.
pub(super) fn init(args: &InitArgs, ui: Ui) -> Exit {
    let created = crate::scaffold::create(&args.dir, args.force).map(|files| {
        for file in files {
            ui.status(&format!("created {}", args.dir.join(file).display()));
        }
        ui.status(&format!(
            "next: `privdoc check {}`, then `privdoc build {0}`",
            args.dir.display()
        ));
    });
    exit(created)
}

/// The schemas of `book.toml` and of the declarations, from the types that read them.
pub(super) fn schema(args: &SchemaArgs) -> Exit {
    let mut schemas = vec![("book.schema.json", crate::config::schema())];
    schemas.extend(load::schemas());
    let Some(out) = &args.out else {
        let all: serde_json::Map<String, serde_json::Value> = schemas
            .into_iter()
            .map(|(name, s)| (name.to_owned(), s))
            .collect();
        let text = serde_json::to_string_pretty(&all).expect("a JSON value always serializes");
        println!("{text}");
        return Exit::Success;
    };
    let written = std::fs::create_dir_all(out).and_then(|()| {
        schemas.iter().try_for_each(|(name, schema)| {
            let text =
                serde_json::to_string_pretty(schema).expect("a JSON value always serializes");
            std::fs::write(out.join(name), text + "\n")
        })
    });
    exit(written.map_err(|e| {
        anyhow::Error::new(e).context(format!(
            "failed to write the schemas to `{}`",
            out.display()
        ))
    }))
}
