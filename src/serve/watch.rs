//! `--watch`: reloads the handouts and profiles when their files change, for content
//! staff who edit a handout and watch the preview. An edit that does not check keeps
//! the last good version serving, and its mistakes are shown in the desk.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use super::{App, Desk};

/// How often the files are looked at.
const POLL: Duration = Duration::from_millis(300);

/// What identifies the watched files' state: each file's name, size and change time.
pub type Fingerprint = Vec<(PathBuf, u64, Option<SystemTime>)>;

/// The directories' state now. Taken before the desk is loaded, so that an edit made
/// while it loads is seen as a change.
pub fn fingerprint(dirs: &[&Path]) -> Fingerprint {
    let mut files = Vec::new();
    for dir in dirs {
        let Ok(entries) = std::fs::read_dir(dir) else {
            continue;
        };
        for entry in entries.flatten() {
            if let Ok(meta) = entry.metadata() {
                files.push((entry.path(), meta.len(), meta.modified().ok()));
            }
        }
    }
    files.sort();
    files
}

/// Watches from a thread of its own until the process ends; `seen` is the state the
/// desk being served was loaded from (or an earlier one).
pub fn spawn(
    app: Arc<App>,
    handouts: PathBuf,
    profiles: Option<PathBuf>,
    timestamp: Option<i64>,
    seen: Fingerprint,
) -> std::io::Result<()> {
    let mut watched = vec![handouts.clone()];
    watched.extend(profiles.iter().cloned());
    std::thread::Builder::new()
        .name("watch".into())
        .spawn(move || {
            let paths: Vec<&Path> = watched.iter().map(PathBuf::as_path).collect();
            let mut seen = seen;
            loop {
                std::thread::sleep(POLL);
                let now = fingerprint(&paths);
                if now == seen {
                    continue;
                }
                seen = now;
                match Desk::load(&handouts, profiles.as_deref(), timestamp) {
                    Ok(desk) => {
                        app.replace_desk(desk);
                        eprintln!("handout serve: reloaded");
                    }
                    Err(errors) => {
                        let shown: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
                        eprintln!(
                            "handout serve: {} mistake(s) in the edited files; still serving the last good version",
                            shown.len()
                        );
                        app.set_mistakes(shown);
                    }
                }
            }
        })
        .map(drop)
}
