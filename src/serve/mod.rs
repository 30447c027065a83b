//! `handout serve`: the handout desk for clinicians in a browser, and a JSON API for the
//! EHR, in one small local process. It builds through the same pipeline as
//! `handout build`, so a PDF from the API is byte for byte the CLI's.
//!
//! Safe by default: it listens on loopback only; any other address needs a token; the
//! Host header must name it; nothing cross-site may build; bodies, header reads,
//! requests and connections are bounded; patient details never reach a URL, a log
//! line or a file.

mod cds;
mod desk;
mod guard;
mod infobutton;
mod problem;
mod routes;
mod watch;

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::sync::{Arc, PoisonError, RwLock};
use std::time::Duration;

use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;

pub use desk::{BuildRequest, Desk};
pub use routes::MAX_BODY;

use crate::error::Error;

/// The port `handout serve` listens on unless told otherwise.
pub const DEFAULT_PORT: u16 = 8470;
/// The longest a client may take to send its request headers.
pub const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);
/// The longest one request may take, body included.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
/// Connections served at once; more wait to be accepted.
pub const MAX_CONNECTIONS: usize = 256;

pub struct Settings {
    pub handouts: PathBuf,
    pub profiles: Option<PathBuf>,
    pub bind: SocketAddr,
    pub token_file: Option<PathBuf>,
    /// Host names the server may be reached by besides its own address (a reverse
    /// proxy's name).
    pub allow_hosts: Vec<String>,
    /// `SOURCE_DATE_EPOCH`, read once as `handout build` reads it.
    pub timestamp: Option<i64>,
    pub quiet: bool,
    /// Reload handouts and profiles when their files change.
    pub watch: bool,
    /// The EHRs that may call the CDS Hooks service: each issuer (`iss`) and the file of
    /// its public keys (JWKS).
    pub cds_clients: Vec<(String, PathBuf)>,
}

/// What every handler shares.
pub struct App {
    /// Swapped whole when `--watch` reloads; a request keeps the one it started with.
    desk: RwLock<Arc<Desk>>,
    /// The mistakes of the last reload that failed, until one succeeds.
    mistakes: RwLock<Vec<String>>,
    /// Host header values that name this server, lower case, port included.
    pub hosts: Vec<String>,
    pub token: Option<String>,
    pub log: bool,
    /// The CDS Hooks service; `None` when it is off (another machine may reach the
    /// server and no EHR was named to trust).
    pub cds: Option<cds::Cds>,
}

impl App {
    pub fn desk(&self) -> Arc<Desk> {
        Arc::clone(&self.desk.read().unwrap_or_else(PoisonError::into_inner))
    }

    fn replace_desk(&self, desk: Desk) {
        *self.desk.write().unwrap_or_else(PoisonError::into_inner) = Arc::new(desk);
        self.set_mistakes(Vec::new());
    }

    fn set_mistakes(&self, mistakes: Vec<String>) {
        *self
            .mistakes
            .write()
            .unwrap_or_else(PoisonError::into_inner) = mistakes;
    }

    pub fn mistakes(&self) -> Vec<String> {
        self.mistakes
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

/// Loads and checks everything, then serves until SIGINT or SIGTERM, finishing the
/// requests under way. Returns once it has stopped.
pub fn run(settings: Settings) -> Result<(), Error> {
    let token = match &settings.token_file {
        Some(path) => Some(read_token(path)?),
        None if !settings.bind.ip().is_loopback() => {
            return Err(Error::Usage(format!(
                "--bind {} is reachable from other machines, and requests carry patients' \
                 names: give --token-file FILE (a secret of 32 characters or more) or bind \
                 to 127.0.0.1",
                settings.bind
            )))
        }
        None => None,
    };
    let cds = cds_service(&settings)?;
    let watched_from = settings.watch.then(|| {
        let mut dirs = vec![settings.handouts.as_path()];
        dirs.extend(settings.profiles.as_deref());
        watch::fingerprint(&dirs)
    });
    let desk = Desk::load(
        &settings.handouts,
        settings.profiles.as_deref(),
        settings.timestamp,
    )
    .map_err(|errors| {
        for err in &errors {
            eprintln!("error: {err}");
        }
        Error::SomeFailed {
            failed: errors.len(),
            total: errors.len(),
        }
    })?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::Usage(format!("cannot start the server: {e}")))?;
    runtime.block_on(async move {
        let listener = TcpListener::bind(settings.bind)
            .await
            .map_err(|e| Error::Usage(format!("cannot listen on {}: {e}", settings.bind)))?;
        let bound = listener
            .local_addr()
            .map_err(|e| Error::Usage(format!("cannot listen on {}: {e}", settings.bind)))?;
        let app = Arc::new(App {
            desk: RwLock::new(Arc::new(desk)),
            mistakes: RwLock::new(Vec::new()),
            hosts: host_names(bound, &settings.allow_hosts),
            token,
            log: !settings.quiet,
            cds,
        });
        let shown = match bound.ip() {
            IpAddr::V6(ip) => format!("[{ip}]:{}", bound.port()),
            IpAddr::V4(ip) => format!("{ip}:{}", bound.port()),
        };
        let start = if app.token.is_some() {
            format!("http://{shown}/?token=<the token in the token file>")
        } else {
            format!("http://{shown}/")
        };
        eprintln!(
            "handout serve: {} handouts, {} profiles; open {start}",
            app.desk().library.len(),
            app.desk().profiles.len()
        );
        if let Some(seen) = watched_from {
            watch::spawn(
                Arc::clone(&app),
                settings.handouts.clone(),
                settings.profiles.clone(),
                settings.timestamp,
                seen,
            )
            .map_err(|e| Error::Usage(format!("cannot watch the files: {e}")))?;
        }
        serve(listener, app).await;
        eprintln!("handout serve: stopped");
        Ok(())
    })
}

/// Accepts connections until a stop signal, then waits for those open to finish.
async fn serve(listener: TcpListener, app: Arc<App>) {
    let router = routes::router(app);
    let service = tower_timeout(router);
    let graceful = GracefulShutdown::new();
    let permits = Arc::new(Semaphore::new(MAX_CONNECTIONS));
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(HEADER_READ_TIMEOUT)
        .keep_alive(true);
    let stop = stop_signal();
    tokio::pin!(stop);
    loop {
        let Ok(permit) = Arc::clone(&permits).acquire_owned().await else {
            break;
        };
        let (stream, _) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                // A connection that failed before it was accepted (reset, out of
                // files): keep serving the others.
                Err(_) => continue,
            },
            () = &mut stop => break,
        };
        let _ = stream.set_nodelay(true);
        let connection = http.serve_connection(
            TokioIo::new(stream),
            TowerToHyperService::new(service.clone()),
        );
        let watched = graceful.watch(connection);
        tokio::spawn(async move {
            let _ = watched.await;
            drop(permit);
        });
    }
    // Nothing new is accepted; the requests under way are answered.
    drop(listener);
    tokio::select! {
        () = graceful.shutdown() => {}
        () = tokio::time::sleep(REQUEST_TIMEOUT) => {}
    }
}

/// Answers 503 to a request that takes longer than [`REQUEST_TIMEOUT`].
fn tower_timeout(router: axum::Router) -> axum::Router {
    router.layer(axum::middleware::from_fn(
        |request: axum::extract::Request, next: axum::middleware::Next| async move {
            match tokio::time::timeout(REQUEST_TIMEOUT, next.run(request)).await {
                Ok(response) => response,
                Err(_) => axum::response::IntoResponse::into_response(problem::Problem::new(
                    axum::http::StatusCode::SERVICE_UNAVAILABLE,
                    "the request took too long",
                )),
            }
        },
    ))
}

async fn stop_signal() {
    let interrupt = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut terminate =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(signal) => signal,
                Err(_) => {
                    let _ = interrupt.await;
                    return;
                }
            };
        tokio::select! {
            _ = interrupt => {}
            _ = terminate.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = interrupt.await;
    }
}

/// The CDS Hooks service's trusted clients. On loopback it is always on (with no client
/// named, every hook call is refused); off loopback it needs a client named.
fn cds_service(settings: &Settings) -> Result<Option<cds::Cds>, Error> {
    if settings.cds_clients.is_empty() && !settings.bind.ip().is_loopback() {
        return Ok(None);
    }
    let mut clients: Vec<cds::auth::Client> = Vec::new();
    for (issuer, jwks) in &settings.cds_clients {
        if clients.iter().any(|c| &c.issuer == issuer) {
            return Err(Error::Usage(format!(
                "--cds-client {issuer} is given twice; put all its keys in one JWKS file"
            )));
        }
        clients.push(cds::auth::Client::load(issuer, jwks).map_err(Error::Usage)?);
    }
    Ok(Some(cds::Cds {
        clients,
        seen: cds::auth::Seen::default(),
    }))
}

/// The Host header values that name the server at `bound`.
fn host_names(bound: SocketAddr, extra: &[String]) -> Vec<String> {
    let port = bound.port();
    let mut names: Vec<String> = Vec::new();
    if bound.ip().is_loopback() || bound.ip().is_unspecified() {
        names.extend(["localhost".into(), "127.0.0.1".into(), "[::1]".into()]);
    }
    if !bound.ip().is_unspecified() {
        names.push(match bound.ip() {
            IpAddr::V6(ip) => format!("[{ip}]"),
            IpAddr::V4(ip) => ip.to_string(),
        });
    }
    names.extend(extra.iter().map(|h| h.to_ascii_lowercase()));
    let mut hosts: Vec<String> = names.iter().map(|n| format!("{n}:{port}")).collect();
    // Behind a proxy on the default ports, the Host header has no port.
    hosts.extend(extra.iter().map(|h| h.to_ascii_lowercase()));
    hosts.sort();
    hosts.dedup();
    hosts
}

fn read_token(path: &std::path::Path) -> Result<String, Error> {
    let text = std::fs::read_to_string(path).map_err(|source| Error::Read {
        path: path.to_path_buf(),
        source,
    })?;
    let token = text.trim().to_string();
    if token.len() < 32 || !token.chars().all(|c| c.is_ascii_graphic()) {
        return Err(Error::Usage(format!(
            "{}: the token must be 32 or more printable characters without spaces \
             (e.g. from: head -c 32 /dev/urandom | base64)",
            path.display()
        )));
    }
    Ok(token)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_name_the_bound_address_and_loopback() {
        let hosts = host_names("127.0.0.1:8470".parse().unwrap(), &[]);
        assert_eq!(hosts, ["127.0.0.1:8470", "[::1]:8470", "localhost:8470"]);
        let hosts = host_names("10.1.2.3:80".parse().unwrap(), &["Desk.Clinic".into()]);
        assert_eq!(hosts, ["10.1.2.3:80", "desk.clinic", "desk.clinic:80"]);
    }
}
