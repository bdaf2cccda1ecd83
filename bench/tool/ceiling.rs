//! The ceiling: how fast pulldown-cmark alone turns the tree's Markdown into HTML, with the
//! options privdoc renders with (plus YAML metadata blocks, so front matter is skipped, not
//! rendered). It reads every page and renders it; it writes nothing.
//!
//! With `parse_only` it renders nothing either: it reads every page and runs the parser
//! over it, the least any checker of Markdown links must do before it checks anything.

use std::io;
use std::path::Path;

use pulldown_cmark::{Options, Parser, html};
use rayon::prelude::*;

pub(crate) fn run(dir: &Path, threads: usize, parse_only: bool) -> io::Result<(usize, usize)> {
    let mut files: Vec<_> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file() && e.path().extension().is_some_and(|x| x == "md"))
        .map(walkdir::DirEntry::into_path)
        .collect();
    files.sort();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(io::Error::other)?;
    // privdoc's one Markdown configuration (`markdown::options`), and front matter skipped.
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_YAML_STYLE_METADATA_BLOCKS;
    let bytes = pool.install(|| {
        files
            .par_iter()
            .map(|path| {
                let markdown = std::fs::read_to_string(path)?;
                let parser = Parser::new_ext(&markdown, options);
                if parse_only {
                    std::hint::black_box(parser.into_offset_iter().count());
                } else {
                    let mut out = String::with_capacity(markdown.len() * 3 / 2);
                    html::push_html(&mut out, parser);
                    std::hint::black_box(out);
                }
                Ok(markdown.len())
            })
            .collect::<io::Result<Vec<usize>>>()
    })?;
    Ok((files.len(), bytes.iter().sum()))
}
