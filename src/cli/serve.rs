//! `handout serve`: the handout desk in a browser and the JSON API, on this machine.

use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;

use crate::error::Error;
use crate::serve::{self, Settings};

#[derive(Debug, clap::Args)]
pub(super) struct ServeArgs {
    /// The directory of handouts to serve
    #[arg(long, value_name = "DIR", default_value = "handouts")]
    handouts: PathBuf,
    /// A directory of clinic profiles (each served by its file name without .toml)
    #[arg(long, value_name = "DIR")]
    profiles: Option<PathBuf>,
    /// The address and port to listen on; anything but loopback needs --token-file
    #[arg(long, value_name = "ADDR:PORT", default_value_t = SocketAddr::from((Ipv4Addr::LOCALHOST, serve::DEFAULT_PORT)))]
    bind: SocketAddr,
    /// A file holding the secret that requests with patient details must carry
    #[arg(long, value_name = "FILE")]
    token_file: Option<PathBuf>,
    /// Another host name the server is reached by (a reverse proxy's); repeat for more
    #[arg(long = "allow-host", value_name = "NAME")]
    allow_hosts: Vec<String>,
    /// Reload handouts and profiles when their files change (an edit with mistakes is
    /// shown in the desk while the last good version keeps serving)
    #[arg(long)]
    watch: bool,
    /// An EHR that may call the CDS Hooks service (/cds-services), as its issuer
    /// (the `iss` of its tokens) and a JSON Web Key Set file of its public keys:
    /// `https://ehr.example.org=ehr-keys.json`. Repeat for more. Off loopback, the CDS
    /// Hooks service is off unless one is given
    #[arg(long = "cds-client", value_name = "ISSUER=JWKS_FILE", value_parser = cds_client)]
    cds_clients: Vec<(String, PathBuf)>,
    /// No access log on standard error
    #[arg(long)]
    quiet: bool,
}

/// `ISSUER=JWKS_FILE`, split at the last `=` (a path rarely has one; an issuer URL's
/// query might).
fn cds_client(text: &str) -> Result<(String, PathBuf), String> {
    match text.rsplit_once('=') {
        Some((issuer, file)) if !issuer.trim().is_empty() && !file.trim().is_empty() => {
            Ok((issuer.trim().to_string(), PathBuf::from(file.trim())))
        }
        _ => Err("give the issuer and its JWKS file: ISSUER=JWKS_FILE".to_string()),
    }
}

pub(super) fn run(args: ServeArgs) -> Result<(), Error> {
    serve::run(Settings {
        handouts: args.handouts,
        profiles: args.profiles,
        bind: args.bind,
        token_file: args.token_file,
        allow_hosts: args.allow_hosts,
        timestamp: super::build::source_date_epoch()?,
        quiet: args.quiet,
        watch: args.watch,
        cds_clients: args.cds_clients,
    })
}
