//! `handout serve`'s limits and headers, as the README promises them: 10 seconds to send
//! the headers, 30 seconds for a request, at most 256 connections at once, requests
//! under way answered after SIGTERM, `--allow-host`, `X-Frame-Options` and which
//! responses may be cached.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use common::server::{problem, terminate, unread_by_server, wait_until, Reply, Server};

const ID: &str = "l3-l4-foraminal-narrowing";

/// A connection that has sent `bytes` and that the server has read them from: accepted
/// and being served, not waiting in the kernel's queue.
fn connection_read_by_server(server: &Server, bytes: &[u8]) -> TcpStream {
    let mut stream = TcpStream::connect(("127.0.0.1", server.port)).expect("connect");
    stream.write_all(bytes).unwrap();
    let client_port = stream.local_addr().unwrap().port();
    wait_until(
        Duration::from_secs(60),
        "the server reads what the client sent",
        || unread_by_server(server.port, client_port) == Some(0),
    );
    stream
}

fn read_reply(stream: &mut TcpStream, ceiling: Duration) -> Reply {
    stream.set_read_timeout(Some(ceiling)).unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).expect("read the response");
    Reply::parse(&raw)
}

#[test]
fn a_client_gets_10_seconds_to_send_its_headers() {
    let server = Server::start(&[]);
    let mut stream = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
    let started = Instant::now();
    stream
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        .unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(60)))
        .unwrap();
    let mut rest = Vec::new();
    let _ = stream.read_to_end(&mut rest);
    let waited = started.elapsed();
    // Cut off at 10 s: not before (the client had its 10 seconds), and well before the
    // 30 s request limit, whatever the load on the machine.
    assert!(
        waited >= Duration::from_millis(9_500),
        "cut off after {waited:?}"
    );
    assert!(
        waited < Duration::from_secs(20),
        "still open after {waited:?}"
    );
    assert!(!String::from_utf8_lossy(&rest).contains("200 OK"));
    // And the server still serves others.
    assert_eq!(server.get("/healthz").status, 200);
}

#[test]
fn a_request_gets_30_seconds_in_all() {
    let server = Server::start(&[]);
    let body = serde_json::json!({"handout": ID, "preset": "brief"}).to_string();
    let head = format!(
        "POST /api/v1/pdf HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n",
        server.host(),
        body.len()
    );
    // The headers in time, then half the body and nothing more.
    let started = Instant::now();
    let mut stream =
        connection_read_by_server(&server, format!("{head}{}", &body[..10]).as_bytes());
    let reply = read_reply(&mut stream, Duration::from_secs(120));
    let waited = started.elapsed();
    let p = problem(&reply, 503);
    assert!(
        p["detail"].as_str().unwrap().contains("took too long"),
        "{p}"
    );
    assert!(
        waited >= Duration::from_secs(29),
        "cut off after {waited:?}"
    );
    assert!(
        waited < Duration::from_secs(50),
        "answered only after {waited:?}"
    );
}

#[test]
fn at_most_256_connections_are_served_at_once() {
    let server = Server::start(&[]);
    // 256 connections the server has accepted and is reading headers from.
    let mut held: Vec<TcpStream> = (0..256)
        .map(|_| connection_read_by_server(&server, b"GET /healthz HTTP/1.1\r\n"))
        .collect();
    // The 257th is not accepted: it waits in the kernel's queue, its request unread
    // and unanswered, while the others are held (for less than their 10 s).
    let mut waiting = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
    let request = format!(
        "GET /healthz HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
        server.host()
    );
    waiting.write_all(request.as_bytes()).unwrap();
    let waiting_port = waiting.local_addr().unwrap().port();
    waiting
        .set_read_timeout(Some(Duration::from_secs(2)))
        .unwrap();
    let mut byte = [0u8; 1];
    let early = waiting.read(&mut byte);
    assert!(
        early.is_err(),
        "the 257th connection was answered: {early:?}"
    );
    assert_eq!(
        unread_by_server(server.port, waiting_port),
        Some(request.len() as u64),
        "the 257th connection's request was read"
    );
    // One held connection finishes and closes: the waiting one is served.
    let mut first = held.remove(0);
    first
        .write_all(format!("Host: {}\r\nConnection: close\r\n\r\n", server.host()).as_bytes())
        .unwrap();
    assert_eq!(read_reply(&mut first, Duration::from_secs(60)).status, 200);
    let reply = read_reply(&mut waiting, Duration::from_secs(60));
    assert_eq!(reply.status, 200);
    assert_eq!(reply.text().trim_end(), "ok");
}

#[test]
fn sigterm_answers_the_requests_under_way_then_stops() {
    let server = Server::start(&[]);
    let body = serde_json::json!({"handout": ID, "preset": "brief"}).to_string();
    let head = format!(
        "POST /api/v1/pdf HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n",
        server.host(),
        body.len()
    );
    // A request under way: its headers read by the server, its body not all sent.
    let mut stream =
        connection_read_by_server(&server, format!("{head}{}", &body[..10]).as_bytes());
    terminate(&server.child);
    stream.write_all(&body.as_bytes()[10..]).unwrap();
    let reply = read_reply(&mut stream, Duration::from_secs(60));
    assert_eq!(reply.status, 200, "{}", reply.text());
    assert!(reply.body.starts_with(b"%PDF-"));
    let (status, log) = server.exited();
    assert!(status.success(), "{status:?}");
    assert!(log.iter().any(|l| l == "handout serve: stopped"), "{log:?}");
    assert!(
        log.iter().any(|l| l.starts_with("POST /api/v1/pdf 200 ")),
        "{log:?}"
    );
}

#[test]
fn allow_host_names_a_proxys_host_and_no_other() {
    let proxied = "handouts.clinic.example";
    let server = Server::start(&["--allow-host", proxied]);
    let with_port = format!("{proxied}:{}", server.port);
    for host in [proxied, "Handouts.Clinic.Example", &with_port] {
        let reply = server.request("GET", "/api/v1/handouts", &[("Host", host)], b"");
        assert_eq!(reply.status, 200, "{host}: {}", reply.text());
    }
    problem(
        &server.request(
            "GET",
            "/api/v1/handouts",
            &[("Host", "other.clinic.example")],
            b"",
        ),
        421,
    );
    // Without the flag, the same name is refused.
    let plain = Server::start(&[]);
    problem(
        &plain.request("GET", "/api/v1/handouts", &[("Host", proxied)], b""),
        421,
    );
}

#[test]
fn no_page_may_be_framed_and_only_the_fonts_are_cached() {
    let server = Server::start(&[]);
    let brief = serde_json::json!({"handout": ID, "preset": "brief", "patient": "Jane Doe"});
    let replies = [
        ("/", server.get("/")),
        ("/healthz", server.get("/healthz")),
        ("/api/v1/handouts", server.get("/api/v1/handouts")),
        ("/api/v1/status", server.get("/api/v1/status")),
        ("/api/openapi.json", server.get("/api/openapi.json")),
        ("/api/v1/pdf", server.post_json("/api/v1/pdf", &brief)),
        (
            "/api/v1/preview",
            server.post_json("/api/v1/preview", &brief),
        ),
        (
            "/api/v1/document-reference",
            server.post_json("/api/v1/document-reference", &brief),
        ),
        (
            "/handouts/{id}.pdf",
            server.get(&format!("/handouts/{ID}.pdf?preset=brief")),
        ),
        ("a 404", server.get("/no/such/page")),
        (
            "/assets/Atkinson-Regular.ttf",
            server.get("/assets/Atkinson-Regular.ttf"),
        ),
    ];
    for (route, reply) in &replies {
        assert_eq!(reply.header("x-frame-options"), Some("DENY"), "{route}");
        let font = route.ends_with(".ttf");
        if font {
            assert_eq!(reply.status, 200, "{route}");
            assert_eq!(reply.header("content-type"), Some("font/ttf"));
            let cache = reply.header("cache-control").unwrap_or_default();
            assert!(
                cache.contains("public") && cache.contains("max-age="),
                "{route}: {cache}"
            );
        } else {
            assert_eq!(reply.header("cache-control"), Some("no-store"), "{route}");
        }
    }
}
