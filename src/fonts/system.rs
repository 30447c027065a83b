//! Font files found on the machine at run time: the CJK faces, 19–20 MB a weight, too
//! large to compile into the binary. They are looked for in the directories of
//! `HANDOUT_FONTS` (separated by `:`), then where Debian's and Fedora's
//! `fonts-noto-cjk` packages put them.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use super::collection::FaceFile;

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

/// One face of a collection found on the machine: where, which face, and the tables
/// layout reads (all but the outlines, see [`super::collection`]).
#[derive(Debug)]
pub struct Loaded {
    pub path: PathBuf,
    pub index: u32,
    /// A font of the face's own with every table but `CFF `.
    pub bytes: Vec<u8>,
    /// Whether its outlines are CFF (those of Noto Sans CJK are).
    pub cff: bool,
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

fn find(name: &str, index: u32) -> Option<Loaded> {
    search_path()
        .into_iter()
        .find_map(|dir| read(&dir.join(name), index))
}

fn read(path: &Path, index: u32) -> Option<Loaded> {
    let mut face = FaceFile::open(path, index).ok()?;
    let bytes = face.layout_font().ok()?;
    // A file that is not a font would fail later with a worse message.
    ttf_parser::Face::parse(&bytes, 0).ok()?;
    Some(Loaded {
        path: path.to_path_buf(),
        index,
        cff: face.has_cff(),
        bytes,
    })
}

/// Faces a collection may hold that are read: Noto Sans CJK's four regional forms come
/// first in it.
const FACES_READ: usize = 8;

/// Face `index` of the CJK collection of one weight, read once per process; `None`
/// when no searched directory has it.
pub fn cjk(bold: bool, index: u32) -> Option<&'static Loaded> {
    static FACES: [OnceLock<Option<Loaded>>; 2 * FACES_READ] =
        [const { OnceLock::new() }; 2 * FACES_READ];
    let face = usize::try_from(index).ok().filter(|&i| i < FACES_READ)?;
    let name = if bold { CJK_BOLD } else { CJK_REGULAR };
    FACES[usize::from(bold) * FACES_READ + face]
        .get_or_init(|| find(name, index))
        .as_ref()
}

/// The face as a font whose outlines hold only `glyphs`, read again from its file:
/// what the subsetter embeds them from.
pub fn font_for_glyphs(face: &Loaded, glyphs: &[u16]) -> std::io::Result<Vec<u8>> {
    FaceFile::open(&face.path, face.index)?.font_for_glyphs(glyphs)
}

/// What to do to get the CJK faces, for an error message.
pub fn cjk_hint() -> String {
    format!(
        "install Debian's fonts-noto-cjk package (apt install fonts-noto-cjk), or put \
         {CJK_REGULAR} and {CJK_BOLD} in a directory named by HANDOUT_FONTS"
    )
}
