//! Font files found on the machine at run time: the CJK faces, 19–20 MB a weight, too
//! large to compile into the binary. They are looked for in the directories of
//! `HANDOUT_FONTS` (separated by `:`), then where Debian's and Fedora's
//! `fonts-noto-cjk` packages put them.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// The file names looked for, per weight: Noto Sans CJK as one collection of its
/// regional faces (Japanese, Korean, Simplified and Traditional Chinese, Hong Kong).
pub const CJK_REGULAR: &str = "NotoSansCJK-Regular.ttc";
pub const CJK_BOLD: &str = "NotoSansCJK-Bold.ttc";

/// Where a distribution's package puts the files.
const PACKAGE_DIRS: [&str; 3] = [
    "/usr/share/fonts/opentype/noto",
    "/usr/share/fonts/google-noto-cjk",
    "/usr/share/fonts/noto-cjk",
];

/// Every directory searched, in order.
pub fn search_path() -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = Vec::new();
    if let Some(env) = std::env::var_os("HANDOUT_FONTS") {
        dirs.extend(std::env::split_paths(&env).filter(|p| !p.as_os_str().is_empty()));
    }
    dirs.extend(PACKAGE_DIRS.iter().map(PathBuf::from));
    dirs
}

/// A font file read into memory, with where it was found.
#[derive(Debug)]
pub struct Loaded {
    pub path: PathBuf,
    pub bytes: Vec<u8>,
}

/// The file each weight would be read from: the first searched directory that has it.
pub fn candidates() -> Vec<PathBuf> {
    [CJK_REGULAR, CJK_BOLD]
        .iter()
        .filter_map(|name| {
            search_path()
                .into_iter()
                .map(|dir| dir.join(name))
                .find(|p| p.is_file())
        })
        .collect()
}

fn find(name: &str) -> Option<Loaded> {
    search_path()
        .into_iter()
        .find_map(|dir| read(&dir.join(name)))
}

fn read(path: &Path) -> Option<Loaded> {
    let bytes = std::fs::read(path).ok()?;
    // A file that is not a font collection would fail later with a worse message.
    ttf_parser::fonts_in_collection(&bytes)?;
    Some(Loaded {
        path: path.to_path_buf(),
        bytes,
    })
}

/// The CJK collection of one weight, read once per process; `None` when no searched
/// directory has it.
pub fn cjk(bold: bool) -> Option<&'static Loaded> {
    static REGULAR: OnceLock<Option<Loaded>> = OnceLock::new();
    static BOLD: OnceLock<Option<Loaded>> = OnceLock::new();
    let (cell, name) = if bold {
        (&BOLD, CJK_BOLD)
    } else {
        (&REGULAR, CJK_REGULAR)
    };
    cell.get_or_init(|| find(name)).as_ref()
}

/// What to do to get the CJK faces, for an error message.
pub fn cjk_hint() -> String {
    format!(
        "install Debian's fonts-noto-cjk package (apt install fonts-noto-cjk), or put \
         {CJK_REGULAR} and {CJK_BOLD} in a directory named by HANDOUT_FONTS"
    )
}
