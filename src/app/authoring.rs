//! `privdoc init`, `privdoc schema` and `privdoc man`: starting a project and wiring an
//! editor and the manual to it.

use std::io::Write;
use std::path::Path;

use anyhow::Context;

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
    schemas.push(("model.schema.json", crate::export::schema()));
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

/// The exit statuses, the same for every command (`main` chooses them, `Exit` names them).
const EXIT_STATUS: &str = r#".SH "EXIT STATUS"
.TP
\fB0\fR
Success. Warnings may have been reported.
.TP
\fB1\fR
The content has problems: a check reported an error (or a warning, with \fB\-\-deny\-warnings\fR), \fBdiff \-\-fail\-on material\fR found a material change, or \fBcheck \-\-frozen\fR found the build directory stale. \fBbuild\fR wrote nothing.
.TP
\fB2\fR
privdoc could not run: a usage error, a missing directory or revision, an invalid \fBbook.toml\fR, a build directory that is not privdoc's, or an IO error.
"#;

/// `privdoc man`: `privdoc.1` on stdout, or every page (`privdoc.1` and one per
/// subcommand, which `privdoc.1` refers to) written to `out`.
pub(super) fn man(out: Option<&Path>) -> anyhow::Result<()> {
    let mut command =
        <crate::cli::Cli as clap::CommandFactory>::command().disable_help_subcommand(true);
    command.build();
    let mut main = Vec::new();
    render_main(&command, &mut main).context("failed to render the manual page")?;
    let Some(out) = out else {
        return std::io::stdout()
            .write_all(&main)
            .context("failed to write the manual page");
    };
    std::fs::create_dir_all(out)
        .with_context(|| format!("failed to create `{}`", out.display()))?;
    std::fs::write(out.join("privdoc.1"), &main)
        .with_context(|| format!("failed to write `{}`", out.join("privdoc.1").display()))?;
    for sub in command.get_subcommands().filter(|s| !s.is_hide_set()) {
        clap_mangen::Man::new(sub.clone())
            .generate_to(out)
            .with_context(|| format!("failed to write the page of `{}`", sub.get_name()))?;
    }
    Ok(())
}

/// The main page: clap's sections, with EXIT STATUS before VERSION as man-pages(7) orders them.
fn render_main(command: &clap::Command, w: &mut dyn Write) -> std::io::Result<()> {
    let man = clap_mangen::Man::new(command.clone());
    man.render_title(w)?;
    man.render_name_section(w)?;
    man.render_synopsis_section(w)?;
    man.render_description_section(w)?;
    man.render_options_section(w)?;
    man.render_subcommands_section(w)?;
    w.write_all(EXIT_STATUS.as_bytes())?;
    man.render_version_section(w)
}
