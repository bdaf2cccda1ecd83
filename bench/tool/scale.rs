//! A project whose sources all share a first word ("Microsoft …"), one service listing
//! every one of them with a subsection each: the case that made the link-target-mismatch
//! check quadratic (each link text was tried against every source named "Microsoft …").

use std::fmt::Write as _;
use std::fs;
use std::io;
use std::path::Path;

/// Writes the project of `sources` sources into `out`.
pub(crate) fn sources(out: &Path, sources: usize) -> io::Result<()> {
    let content = out.join("content");
    fs::create_dir_all(content.join("sources"))?;
    fs::create_dir_all(content.join("services"))?;
    fs::write(
        out.join("book.toml"),
        "[book]\ntitle = \"Scale\"\nsrc = \"content\"\n\n[build]\nbuild-dir = \"book\"\n",
    )?;
    let mut service = String::from(
        "name = \"Contoso Fleet\"\nsummary = \"Contoso Fleet gathers data from many products.\"\n\n[page]\ndescription = \"What Contoso Fleet collects\"\n",
    );
    for i in 0..sources {
        let id = format!("product-{i:05}");
        fs::write(
            content.join(format!("sources/{id}.toml")),
            format!(
                "name = \"Microsoft Product {i:05} Agent\"\nurl = \"/products/{id}/\"\nprivacy-url = \"/products/{id}/privacy\"\n"
            ),
        )?;
        write!(
            service,
            "\n[[sources]]\nsource = \"{id}\"\npurpose = \"for the inventory of Microsoft Product {i:05} devices\"\ndetails = \"Microsoft Product {i:05} Agent sends Contoso Fleet a daily report on device {i}.\"\n"
        )
        .expect("writing to a String");
    }
    fs::write(content.join("services/fleet.toml"), service)
}
