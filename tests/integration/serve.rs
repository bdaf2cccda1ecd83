//! `privdoc serve`: started on a free port, it serves the example; an edited declaration
//! is served within 2 seconds; a broken one keeps the last good page with the error
//! overlay until it is fixed; paths outside the site are 404; Ctrl-C stops it cleanly.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::support::copy_example;

struct Server {
    child: Child,
    address: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
    }
}

fn start(project: &Path) -> Server {
    let mut child = Command::new(assert_cmd::cargo::cargo_bin!("privdoc"))
        .args(["serve", "--port", "0"])
        .arg(project)
        .env("NO_COLOR", "1")
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    let address = loop {
        line.clear();
        assert!(
            stderr.read_line(&mut line).unwrap() > 0,
            "serve exited before listening"
        );
        if let Some(url) = line.trim().strip_prefix("serving http://") {
            break url.split('/').next().unwrap().to_owned();
        }
    };
    // Keep draining stderr so the server never blocks on a full pipe.
    std::thread::spawn(move || {
        let mut sink = String::new();
        let _ = stderr.read_to_string(&mut sink);
    });
    Server { child, address }
}

/// A GET with the path sent as it is: (status, body).
fn get(server: &Server, path: &str) -> (u16, String) {
    get_as(server, path, &server.address)
}

/// A GET naming `host` in its `Host` header.
fn get_as(server: &Server, path: &str, host: &str) -> (u16, String) {
    let mut stream = TcpStream::connect(&server.address).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = String::new();
    let _ = stream.read_to_string(&mut response);
    let status = response
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let body = response
        .split_once("\r\n\r\n")
        .map_or(String::new(), |(_, body)| body.to_owned());
    (status, body)
}

/// Polls `path` until `condition` holds, for at most `limit`.
fn eventually(
    server: &Server,
    path: &str,
    limit: Duration,
    condition: impl Fn(&str) -> bool,
) -> String {
    let start = Instant::now();
    loop {
        let (status, body) = get(server, path);
        if status == 200 && condition(&body) {
            return body;
        }
        assert!(start.elapsed() < limit, "not within {limit:?}: {body}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

const PAGE: &str = "/services/managed-desktop.html";
const OVERLAY: &str = "<div id=\"privdoc-error\"";

#[test]
fn serve_rebuilds_keeps_the_last_good_site_and_refuses_traversal() {
    let project = copy_example();
    let service = project.path().join("content/services/managed-desktop.toml");
    let original = std::fs::read_to_string(&service).unwrap();
    let server = start(project.path());

    let (status, body) = get(&server, PAGE);
    assert_eq!(status, 200);
    assert!(
        body.contains("It also provides IT service management") && body.contains("EventSource")
    );
    assert_eq!(get(&server, "/").0, 200);

    let edited = original.replace(
        "It also provides IT service management",
        "It also offers IT service management",
    );
    std::fs::write(&service, &edited).unwrap();
    eventually(&server, PAGE, Duration::from_secs(2), |b| {
        b.contains("It also offers IT service management")
    });

    std::fs::write(
        &service,
        edited.replace(
            "name = \"Microsoft Managed Desktop\"",
            "name = \"Microsoft Managed Desktop",
        ),
    )
    .unwrap();
    let broken = eventually(&server, PAGE, Duration::from_secs(2), |b| {
        b.contains(OVERLAY)
    });
    assert!(
        broken.contains("It also offers IT service management"),
        "the last good page stays served"
    );
    assert!(
        broken.contains("content/services/managed-desktop.toml:1:34"),
        "the overlay shows the located error"
    );
    assert!(
        broken.contains("<button type=\"button\" id=\"privdoc-dismiss\"")
            && broken.contains("onclick=\"this.parentNode.remove()\">Dismiss</button>"),
        "the overlay can be dismissed"
    );

    std::fs::write(&service, &edited).unwrap();
    eventually(&server, PAGE, Duration::from_secs(2), |b| {
        !b.contains(OVERLAY)
    });

    for path in [
        "/../Cargo.toml",
        "/%2e%2e/Cargo.toml",
        "/services/%2E%2E/%2e%2e/book.toml",
        "//etc/passwd",
        "/content/services/managed-desktop.toml",
        // Every other spelling of "up a folder": encoded slashes, double encoding,
        // backslashes, overlong UTF-8, a NUL, dot segments, absolute paths.
        "/..%2fCargo.toml",
        "/..%2FCargo.toml",
        "/services/..%2f..%2fbook.toml",
        "/%252e%252e/Cargo.toml",
        "/..%5cCargo.toml",
        "/..\\Cargo.toml",
        "/%c0%ae%c0%ae/Cargo.toml",
        "/%e0%80%ae%e0%80%ae/Cargo.toml",
        "/services/managed-desktop.html%00.toml",
        "/./../Cargo.toml",
        "/services/./../../Cargo.toml",
        "/%2fetc%2fpasswd",
        "/C:%5cWindows%5cwin.ini",
    ] {
        assert_eq!(get(&server, path).0, 404, "{path}");
    }
    assert!(
        !project.path().join("book").exists(),
        "serve builds in memory and writes nothing"
    );
}

/// DNS rebinding: a page of another site whose name resolves to 127.0.0.1 reaches the
/// preview with its own name in `Host`, and must get nothing.
#[test]
fn only_requests_for_a_local_name_and_this_port_are_answered() {
    let project = copy_example();
    let server = start(project.path());
    let port = server.address.rsplit_once(':').unwrap().1.to_owned();
    for host in [
        format!("localhost:{port}"),
        format!("LOCALHOST:{port}"),
        format!("127.0.0.1:{port}"),
    ] {
        assert_eq!(get_as(&server, PAGE, &host).0, 200, "{host}");
    }
    for host in [
        format!("attacker.example:{port}"),
        format!("localhost.attacker.example:{port}"),
        "localhost".to_owned(),
        "127.0.0.1:1".to_owned(),
        String::new(),
    ] {
        let (status, body) = get_as(&server, PAGE, &host);
        assert_eq!(status, 403, "{host:?}");
        assert!(!body.contains("Managed Desktop"), "{host:?}");
    }
}

/// A template that loops (nearly) forever is stopped by the render's budget: the edit is
/// reported, later edits are rebuilt, and Ctrl-C still stops the server.
#[test]
fn a_runaway_template_neither_pins_the_rebuild_nor_blocks_ctrl_c() {
    let project = copy_example();
    let template = project.path().join("templates/source.md");
    let original = std::fs::read_to_string(&template).unwrap();
    let mut server = start(project.path());
    std::fs::write(
        &template,
        original.replace(
            "{{ front_matter }}",
            "{{ front_matter }}{% for a in range(end=100000) %}{% for b in range(end=100000) %}{% endfor %}{% endfor %}",
        ),
    )
    .unwrap();
    eventually(&server, PAGE, Duration::from_secs(5), |b| {
        b.contains(OVERLAY) && b.contains("runaway loop")
    });
    std::fs::write(&template, &original).unwrap();
    eventually(&server, PAGE, Duration::from_secs(5), |b| {
        !b.contains(OVERLAY)
    });
    stop(&mut server);
}

/// Ctrl-C, then the exit status within 5 seconds.
fn stop(server: &mut Server) {
    let status = Command::new("kill")
        .args(["-INT", &server.child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let start = Instant::now();
    let exit = loop {
        if let Some(exit) = server.child.try_wait().unwrap() {
            break exit;
        }
        assert!(
            start.elapsed() < Duration::from_secs(5),
            "serve did not stop on Ctrl-C"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert_eq!(exit.code(), Some(0));
}

#[test]
fn ctrl_c_stops_serve_even_with_a_page_listening() {
    let project = copy_example();
    let mut server = start(project.path());
    let mut events = TcpStream::connect(&server.address).unwrap();
    write!(
        events,
        "GET /__privdoc/events HTTP/1.1\r\nHost: {}\r\n\r\n",
        server.address
    )
    .unwrap();
    let mut reader = BufReader::new(events);
    let mut line = String::new();
    reader.read_line(&mut line).unwrap();
    assert!(line.starts_with("HTTP/1.1 200"), "{line}");
    stop(&mut server);
}

#[test]
fn ctrl_c_stops_serve_cleanly() {
    let project = copy_example();
    let mut server = start(project.path());
    let status = Command::new("kill")
        .args(["-INT", &server.child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let start = Instant::now();
    let exit = loop {
        if let Some(exit) = server.child.try_wait().unwrap() {
            break exit;
        }
        assert!(
            start.elapsed() < Duration::from_secs(5),
            "serve did not stop on Ctrl-C"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert_eq!(exit.code(), Some(0));
}

#[test]
fn saves_by_rename_rebuild_and_open_pages_are_told_to_reload() {
    let project = copy_example();
    let service = project.path().join("content/services/managed-desktop.toml");
    let server = start(project.path());
    // An open page listens on the event stream.
    let mut events = TcpStream::connect(&server.address).unwrap();
    events
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    write!(
        events,
        "GET /__privdoc/events HTTP/1.1\r\nHost: {}\r\n\r\n",
        server.address
    )
    .unwrap();
    let mut reader = BufReader::new(events);
    let mut line = String::new();
    reader.read_line(&mut line).unwrap();
    assert!(line.starts_with("HTTP/1.1 200"), "{line}");
    // Save the way editors do: write a temporary file, rename it over the original.
    let text = std::fs::read_to_string(&service).unwrap().replace(
        "It also provides IT service management",
        "It also runs IT service management",
    );
    let temporary = project
        .path()
        .join("content/services/.managed-desktop.toml.swp");
    std::fs::write(&temporary, text).unwrap();
    std::fs::rename(&temporary, &service).unwrap();
    let start = Instant::now();
    loop {
        line.clear();
        reader
            .read_line(&mut line)
            .expect("the reload event arrives within the read timeout");
        if line.trim() == "event: reload" {
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(2),
            "no reload event within 2 seconds"
        );
    }
    eventually(&server, PAGE, Duration::from_secs(2), |b| {
        b.contains("It also runs IT service management")
    });
}

/// 10,000 requests from 50 concurrent clients while a declaration is saved again and
/// again — good versions and a broken one, each save a rebuild — all answered `200` with
/// a whole page (the last good build, with the error overlay while the file is broken),
/// and a client that sends half a request and stalls holds up no one.
#[test]
fn ten_thousand_requests_from_fifty_clients_while_files_change() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};

    let project = copy_example();
    let service = project.path().join("content/services/managed-desktop.toml");
    let original = std::fs::read_to_string(&service).unwrap();
    let server = Arc::new(start(project.path()));
    let mut stalled = TcpStream::connect(&server.address).unwrap();
    write!(stalled, "GET {PAGE} HTTP/1.1\r\nHost: ").unwrap();

    let saving = Arc::new(AtomicBool::new(true));
    let editor = {
        let (saving, service, original) = (saving.clone(), service.clone(), original.clone());
        std::thread::spawn(move || {
            let versions = [
                original.replace("It also provides", "It also offers"),
                original.replace("name = \"Microsoft Managed Desktop\"", "name = \"broken"),
                original.clone(),
            ];
            let mut saves = 0;
            while saving.load(Ordering::Relaxed) {
                std::fs::write(&service, &versions[saves % versions.len()]).unwrap();
                saves += 1;
                std::thread::sleep(Duration::from_millis(40));
            }
            std::fs::write(&service, &original).unwrap();
            saves
        })
    };
    let paths = [
        PAGE,
        "/",
        "/sources/intune.html",
        "/retention.html",
        "/locations.html",
    ];
    let started = Instant::now();
    let clients: Vec<_> = (0..50)
        .map(|client| {
            let server = server.clone();
            std::thread::spawn(move || {
                for request in 0..200 {
                    let path = paths[(client + request) % paths.len()];
                    let (status, body) = get(&server, path);
                    assert_eq!(status, 200, "{path}, request {request} of client {client}");
                    assert!(
                        body.trim_end().ends_with("</html>"),
                        "{path}: a whole page, not {} bytes of one",
                        body.len()
                    );
                }
            })
        })
        .collect();
    for client in clients {
        client.join().expect("every client got its 200 answers");
    }
    let elapsed = started.elapsed();
    saving.store(false, Ordering::Relaxed);
    let saves = editor.join().unwrap();
    assert!(
        saves >= 3,
        "the files changed while the requests ran ({saves} saves)"
    );
    // The stalled client got nothing and held nothing: the site is still answered, and the
    // last (good) save is served without the overlay.
    eventually(&server, PAGE, Duration::from_secs(5), |b| {
        !b.contains(OVERLAY) && b.contains("It also provides IT service management")
    });
    stalled
        .set_read_timeout(Some(Duration::from_millis(100)))
        .unwrap();
    let mut nothing = [0u8; 1];
    assert!(
        !matches!(stalled.read(&mut nothing), Ok(n) if n > 0),
        "half a request got an answer"
    );
    eprintln!("10,000 requests from 50 clients in {elapsed:?} during {saves} saves");
}
