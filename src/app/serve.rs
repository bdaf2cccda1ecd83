//! `privdoc serve`: a live preview on 127.0.0.1. The site is kept in memory — a request is
//! answered from the files the last good build produced, so a path outside the site
//! (`..`, `%2e%2e`, an absolute path) can only be a 404. The inputs (`content/`,
//! `templates/`, `book.toml`; never the build directory) are watched, changes are
//! debounced (editors that save by rename included), and each rebuild tells open pages to
//! reload over server-sent events. A build that fails keeps the last good site and shows
//! its diagnostics in the terminal and as an overlay on every page until it is fixed.

use std::collections::BTreeMap;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use axum::Router;
use axum::extract::State;
use axum::http::{StatusCode, Uri, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use notify::RecursiveMode;
use tokio::sync::broadcast;

use super::{Needs, Ui, output_files, process};
use crate::config::{BOOK_TOML, Overrides};
use crate::diag::{self, Counts, Format};

/// Where events for open pages are served.
const EVENTS: &str = "/__privdoc/events";
const OVERLAY_STYLE: &str = "position:fixed;inset:auto 0 0 0;max-height:60vh;overflow:auto;margin:0;padding:1rem;background:#2b0b0b;color:#fde8e8;font:13px/1.4 monospace;white-space:pre-wrap;z-index:9999";
const BUTTON_STYLE: &str = "float:right;margin:0 0 0.5rem 1rem;font:inherit;padding:0.25rem 0.75rem;background:#fde8e8;color:#2b0b0b;border:0;border-radius:3px;cursor:pointer";

/// What the server answers with: the last good site and the last build's problems.
#[derive(Default)]
struct Site {
    /// Path under the HTML output (`services/mmd.html`) → bytes.
    files: BTreeMap<String, Vec<u8>>,
    /// The diagnostics of the last build, when it failed.
    error: Option<String>,
}

struct Shared {
    site: RwLock<Site>,
    events: broadcast::Sender<Message>,
}

#[derive(Clone, Debug)]
enum Message {
    Reload,
    Error(String),
    Shutdown,
}

/// The `Host` values the preview answers: a page of another site that resolves its own
/// name to 127.0.0.1 (DNS rebinding) sends its own name and gets nothing.
struct Hosts {
    port: u16,
    /// The address listened on, when it is a specific one (`--bind 192.0.2.7`).
    bound: Option<String>,
}

impl Hosts {
    fn of(address: SocketAddr) -> Self {
        let ip = address.ip();
        let bound = (!ip.is_unspecified() && !ip.is_loopback()).then(|| match ip {
            std::net::IpAddr::V4(v4) => v4.to_string(),
            std::net::IpAddr::V6(v6) => format!("[{v6}]"),
        });
        Self {
            port: address.port(),
            bound,
        }
    }

    fn allows(&self, host: &str) -> bool {
        let Some((name, port)) = host.rsplit_once(':') else {
            return false; // the port is always named: a page of port 80 is another site
        };
        let local = matches!(
            name.to_ascii_lowercase().as_str(),
            "localhost" | "127.0.0.1" | "[::1]"
        ) || self.bound.as_deref() == Some(name);
        local && port.parse() == Ok(self.port)
    }
}

/// Answers only requests addressed to this preview by a local name; anything else is 403.
async fn only_local_hosts(
    State(hosts): State<Arc<Hosts>>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let host = request
        .headers()
        .get(header::HOST)
        .and_then(|value| value.to_str().ok())
        .unwrap_or("");
    if hosts.allows(host) {
        next.run(request).await
    } else {
        (
            StatusCode::FORBIDDEN,
            "privdoc serve answers requests for localhost only\n",
        )
            .into_response()
    }
}

/// Serves the project in `dir` on `address` until Ctrl-C.
pub(super) fn serve(dir: &Path, address: SocketAddr, open: bool, ui: Ui) -> Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("failed to start the server's runtime")?;
    let result = runtime.block_on(run(dir.to_path_buf(), address, open, ui));
    // A rebuild still running (a slow template) must not keep Ctrl-C from ending the
    // process: it is abandoned, as its result would be.
    runtime.shutdown_timeout(Duration::from_millis(200));
    result
}

async fn run(dir: PathBuf, address: SocketAddr, open: bool, ui: Ui) -> Result<()> {
    let (sender, _) = broadcast::channel(16);
    let shared = Arc::new(Shared {
        site: RwLock::new(Site::default()),
        events: sender,
    });
    let inputs = rebuild(&dir, &shared, ui).context("cannot serve")?;
    let listener = tokio::net::TcpListener::bind(address)
        .await
        .with_context(|| format!("failed to listen on {address}"))?;
    // Ctrl-C is handled from before the URL is announced: a signal that came in between
    // would otherwise stop the process without a clean shutdown.
    let stop = interrupt()?;
    let (notify_tx, mut notify_rx) = tokio::sync::mpsc::unbounded_channel();
    let mut debouncer =
        notify_debouncer_full::new_debouncer(Duration::from_millis(150), None, move |result| {
            let _ = notify_tx.send(result);
        })
        .context("failed to watch the project")?;
    for (path, mode) in &inputs.watch {
        debouncer
            .watch(path, *mode)
            .with_context(|| format!("failed to watch `{}`", path.display()))?;
    }
    // Announced once edits are watched: an edit made right after the URL shows is seen.
    let url = format!(
        "http://{}/",
        listener.local_addr().context("no local address")?
    );
    ui.status(&format!("serving {url} (Ctrl-C stops)"));
    if open {
        let _ = std::process::Command::new(if cfg!(target_os = "macos") {
            "open"
        } else {
            "xdg-open"
        })
        .arg(&url)
        .spawn();
    }
    let watcher_shared = shared.clone();
    let build_dir = inputs.build_dir.clone();
    tokio::spawn(async move {
        while let Some(result) = notify_rx.recv().await {
            let Ok(changes) = result else { continue };
            // Reading a file is an event too (every build reads the inputs); and the build
            // directory is written by builds, never an input.
            let relevant = changes
                .iter()
                .filter(|change| !change.kind.is_access() && !change.kind.is_other())
                .flat_map(|change| &change.paths)
                .any(|path| !path.starts_with(&build_dir));
            if !relevant {
                continue;
            }
            let (dir, shared) = (dir.clone(), watcher_shared.clone());
            let _ = tokio::task::spawn_blocking(move || rebuild(&dir, &shared, ui)).await;
        }
    });
    let hosts = Arc::new(Hosts::of(
        listener.local_addr().context("no local address")?,
    ));
    let app = Router::new()
        .route(EVENTS, get(events))
        .fallback(get(file))
        .with_state(shared.clone())
        .layer(axum::middleware::from_fn_with_state(
            hosts,
            only_local_hosts,
        ));
    // On Ctrl-C, open pages' event streams end first (else graceful shutdown would wait on
    // them forever), and connections get a moment to finish.
    let events = shared.events.clone();
    let (stopping, stopped) = tokio::sync::oneshot::channel::<()>();
    let stop = async move {
        stop.await;
        let _ = events.send(Message::Shutdown);
        let _ = stopping.send(());
    };
    let server = axum::serve(listener, app).with_graceful_shutdown(stop);
    tokio::select! {
        result = server => result.context("the server failed")?,
        () = async {
            if stopped.await.is_ok() {
                tokio::time::sleep(Duration::from_secs(2)).await;
            } else {
                std::future::pending::<()>().await;
            }
        } => {}
    }
    drop(debouncer);
    ui.status("stopped");
    Ok(())
}

/// A future that completes on Ctrl-C, listening from the moment it is made.
#[cfg(unix)]
fn interrupt() -> Result<impl Future<Output = ()>> {
    let mut signal = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::interrupt())
        .context("failed to handle Ctrl-C")?;
    Ok(async move {
        signal.recv().await;
    })
}

#[cfg(not(unix))]
fn interrupt() -> Result<impl Future<Output = ()>> {
    Ok(async {
        let _ = tokio::signal::ctrl_c().await;
    })
}

/// What to watch, found by the first build.
struct Inputs {
    watch: Vec<(PathBuf, RecursiveMode)>,
    build_dir: PathBuf,
}

/// Builds the site into memory. A failed build keeps the last good site and records its
/// diagnostics; either way open pages are told. Errors here mean the project cannot be
/// served at all (its `book.toml` is unreadable at the first build).
fn rebuild(dir: &Path, shared: &Shared, ui: Ui) -> Result<Inputs> {
    let start = Instant::now();
    let outcome = match process(dir, &Overrides::default(), Needs::Project, ui) {
        Ok(outcome) => outcome,
        Err(unusable) => {
            let mut text = diag::render(
                Format::Human,
                &unusable.diagnostics,
                &unusable.files,
                &diag::Summary::default(),
                false,
            );
            text = format!("{text}error: {}\n", unusable.reason);
            eprint!("{text}");
            record_error(shared, text);
            match &unusable.hint {
                Some(hint) => anyhow::bail!("{}\nhint: {hint}", unusable.reason),
                None => anyhow::bail!("{}", unusable.reason),
            }
        }
    };
    let config = &outcome.config;
    let build_dir = config.build_path().to_path_buf();
    let mut watch = vec![(dir.join(BOOK_TOML), RecursiveMode::NonRecursive)];
    for input in [config.src_dir(), dir.join("templates")] {
        if input.is_dir() {
            watch.push((input, RecursiveMode::Recursive));
        }
    }
    let counts = Counts::of(&outcome.diagnostics);
    if counts.errors > 0 {
        let text = diag::render(
            Format::Human,
            &outcome.diagnostics,
            &outcome.files,
            &diag::Summary::default(),
            false,
        );
        eprint!("{text}");
        ui.status(&format!(
            "build failed ({} errors); still serving the last good build",
            counts.errors
        ));
        record_error(shared, text);
    } else {
        let served: std::io::Result<BTreeMap<String, Vec<u8>>> = output_files(&outcome)
            .into_iter()
            .filter_map(|(path, contents)| {
                let path = path.strip_prefix("html/")?.to_owned();
                Some(contents.read().map(|bytes| (path, bytes.into_owned())))
            })
            .collect();
        let files = match served {
            Ok(files) => files,
            Err(error) => {
                let text = format!("error: {error:#}\n");
                eprint!("{text}");
                record_error(shared, text);
                return Ok(Inputs { watch, build_dir });
            }
        };
        *shared
            .site
            .write()
            .expect("no thread panics holding the lock") = Site { files, error: None };
        ui.status(&format!(
            "rebuilt {} pages in {} ms",
            outcome.site.pages.len(),
            start.elapsed().as_millis()
        ));
        let _ = shared.events.send(Message::Reload);
    }
    Ok(Inputs { watch, build_dir })
}

fn record_error(shared: &Shared, text: String) {
    shared
        .site
        .write()
        .expect("no thread panics holding the lock")
        .error = Some(text.clone());
    let _ = shared.events.send(Message::Error(text));
}

/// Server-sent events: `reload` after a good build, `failed` with the diagnostics after a
/// bad one.
async fn events(
    State(shared): State<Arc<Shared>>,
) -> Sse<impl futures_util::Stream<Item = Result<Event, Infallible>>> {
    let receiver = shared.events.subscribe();
    let stream = futures_util::stream::unfold(receiver, |mut receiver| async move {
        loop {
            match receiver.recv().await {
                Ok(Message::Reload) => {
                    return Some((Ok(Event::default().event("reload").data("")), receiver));
                }
                Ok(Message::Error(text)) => {
                    return Some((Ok(Event::default().event("failed").data(text)), receiver));
                }
                Err(broadcast::error::RecvError::Lagged(_)) => {}
                Ok(Message::Shutdown) | Err(broadcast::error::RecvError::Closed) => return None,
            }
        }
    });
    Sse::new(stream).keep_alive(KeepAlive::default())
}

/// A file of the site, or 404. Paths are looked up in memory, never on disk.
async fn file(State(shared): State<Arc<Shared>>, uri: Uri) -> Response {
    let Some(path) = site_path(uri.path()) else {
        return (StatusCode::NOT_FOUND, "not found").into_response();
    };
    let site = shared
        .site
        .read()
        .expect("no thread panics holding the lock");
    let Some(bytes) = site.files.get(&path) else {
        return (StatusCode::NOT_FOUND, "not found").into_response();
    };
    let kind = content_type(&path);
    let body = if kind.starts_with("text/html") {
        inject(bytes, site.error.as_deref())
    } else {
        bytes.clone()
    };
    (
        [
            (header::CONTENT_TYPE, kind),
            (header::CACHE_CONTROL, "no-store"),
        ],
        body,
    )
        .into_response()
}

/// The site path a request path names: percent-decoded, `/` → `index.html`, a directory →
/// its `index.html`. `None` for anything that leaves the site (`..`, empty segments).
fn site_path(request: &str) -> Option<String> {
    let decoded = percent_encoding::percent_decode_str(request)
        .decode_utf8()
        .ok()?;
    let trimmed = decoded.strip_prefix('/')?;
    let mut parts = Vec::new();
    for part in trimmed.split('/') {
        match part {
            "" | "." => {}
            ".." => return None,
            part if part.contains('\\') || part.contains('\0') => return None,
            part => parts.push(part),
        }
    }
    if decoded.contains("//") {
        return None;
    }
    let path = parts.join("/");
    Some(if path.is_empty() || decoded.ends_with('/') {
        format!("{path}{}index.html", if path.is_empty() { "" } else { "/" })
    } else {
        path
    })
}

fn content_type(path: &str) -> &'static str {
    match path.rsplit('.').next() {
        Some("html") => "text/html; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("xml") => "application/xml",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("js") => "text/javascript",
        _ => "application/octet-stream",
    }
}

/// The live-reload script, and the error overlay when the last build failed, before
/// `</body>`. Served pages only: the built files never contain them.
fn inject(html: &[u8], error: Option<&str>) -> Vec<u8> {
    let html = String::from_utf8_lossy(html);
    // The overlay can be dismissed (its button, or Escape); the next failed build shows it
    // again.
    let overlay = error.map_or_else(String::new, |text| {
        format!(
            "<div id=\"privdoc-error\" role=\"alert\" style=\"{OVERLAY_STYLE}\"><button type=\"button\" id=\"privdoc-dismiss\" style=\"{BUTTON_STYLE}\" onclick=\"this.parentNode.remove()\">Dismiss</button><strong>privdoc: the last build failed; this is the last good page.</strong>\n<pre id=\"privdoc-error-text\" style=\"margin:0;white-space:pre-wrap\">{}</pre></div>",
            escape(text)
        )
    });
    let script = format!(
        "<script>(()=>{{const s=new EventSource('{EVENTS}');s.addEventListener('reload',()=>location.reload());document.addEventListener('keydown',e=>{{if(e.key==='Escape'){{const d=document.getElementById('privdoc-error');if(d)d.remove();}}}});s.addEventListener('failed',e=>{{let d=document.getElementById('privdoc-error');if(!d){{d=document.createElement('div');d.id='privdoc-error';d.setAttribute('role','alert');d.style.cssText='{OVERLAY_STYLE}';const b=document.createElement('button');b.type='button';b.id='privdoc-dismiss';b.textContent='Dismiss';b.style.cssText='{BUTTON_STYLE}';b.onclick=()=>d.remove();const t=document.createElement('pre');t.id='privdoc-error-text';t.style.cssText='margin:0;white-space:pre-wrap';d.append(b,'privdoc: the last build failed; this is the last good page.',t);document.body.appendChild(d);}}d.querySelector('#privdoc-error-text').textContent=e.data;}});}})();</script>"
    );
    let tail = format!("{overlay}{script}</body>");
    match html.rfind("</body>") {
        Some(at) => format!("{}{tail}{}", &html[..at], &html[at + "</body>".len()..]).into_bytes(),
        None => format!("{html}{overlay}{script}").into_bytes(),
    }
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::site_path;

    #[test]
    fn paths_outside_the_site_are_refused() {
        assert_eq!(site_path("/").as_deref(), Some("index.html"));
        assert_eq!(
            site_path("/services/mmd.html").as_deref(),
            Some("services/mmd.html")
        );
        assert_eq!(
            site_path("/services/").as_deref(),
            Some("services/index.html")
        );
        for bad in [
            "/../Cargo.toml",
            "/%2e%2e/Cargo.toml",
            "/services/%2E%2E/%2e%2e/x",
            "//etc/passwd",
            "/a\\..\\b",
            "relative",
        ] {
            assert_eq!(site_path(bad), None, "{bad}");
        }
    }
}
