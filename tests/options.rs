//! Options the README promises, through the command line: `--layout-dump`, which of
//! flags, profile, handout and defaults wins, the QR code of a handout's `meta.url`, the
//! web address and logo limits, a JPEG logo, and `HANDOUT_FONTS`.

mod common;

use std::path::Path;
use std::process::Command;

/// Builds with `args` in `dir` (the PDF to `out.pdf`) and returns the layout dump that
/// `--layout-dump -` writes to standard output.
fn dump(dir: &Path, args: &[&str]) -> String {
    let mut all = vec!["build", common::BUNDLED, "-o", "out.pdf"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--layout-dump", "-"]);
    let out = common::run(dir, &all);
    assert!(out.status.success(), "{args:?}: {}", common::stderr(&out));
    String::from_utf8(out.stdout).expect("the dump is UTF-8")
}

/// The page size the dump's first line gives, in points.
fn page_size(dump: &str) -> (f32, f32) {
    let first = dump.lines().next().unwrap_or_default();
    let size = first
        .strip_prefix("document ")
        .and_then(|rest| rest.split_once(" pt"))
        .map(|(size, _)| size)
        .unwrap_or_else(|| panic!("no page size in {first:?}"));
    let (w, h) = size.split_once(" x ").expect("W x H");
    (w.parse().unwrap(), h.parse().unwrap())
}

/// The value of `key=` in a dump line, in points.
fn field(line: &str, key: &str) -> f32 {
    line.split_whitespace()
        .find_map(|w| w.strip_prefix(key))
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("no {key} in {line:?}"))
}

/// The sizes of the body text's boxes, each once.
fn body_sizes(dump: &str) -> Vec<String> {
    let mut sizes: Vec<String> = dump
        .lines()
        .filter(|l| l.trim_start().starts_with("text body "))
        .map(|l| {
            // ... Face SIZE #COLOUR "text": the size is the word before the colour.
            let words: Vec<&str> = l.split_whitespace().collect();
            let colour = words.iter().position(|w| w.starts_with('#')).unwrap();
            words[colour - 1].to_string()
        })
        .collect();
    sizes.sort();
    sizes.dedup();
    sizes
}

/// Where the text of page 1 starts: the left margin.
fn left_edge(dump: &str) -> f32 {
    dump.lines()
        .skip_while(|l| *l != "page 1")
        .skip(1)
        .take_while(|l| !l.starts_with("page "))
        .filter(|l| l.trim_start().starts_with("text "))
        .map(|l| field(l, "x="))
        .fold(f32::MAX, f32::min)
}

/// The addresses of the dump's links (the QR code's and the text's), each once.
fn links(dump: &str) -> Vec<String> {
    let mut links: Vec<String> = dump
        .lines()
        .filter(|l| l.trim_start().starts_with("link "))
        .filter_map(|l| l.split_whitespace().last().map(String::from))
        .collect();
    links.sort();
    links.dedup();
    links
}

/// A scratch directory holding the bundled handout, the profiles and their logo.
fn workspace(name: &str) -> common::Scratch {
    let dir = common::scratch(name);
    let root = common::root();
    std::fs::create_dir(dir.join("handouts")).unwrap();
    std::fs::copy(root.join(common::BUNDLED), dir.join(common::BUNDLED)).unwrap();
    for file in ["riverside-spine.toml", "riverside-logo.png"] {
        std::fs::copy(root.join("profiles").join(file), dir.join(file)).unwrap();
    }
    dir
}

#[test]
fn layout_dump_writes_one_line_per_box_to_a_file_or_standard_output() {
    let dir = workspace("options-dump");
    let to_stdout = dump(&dir, &["--preset", "brief"]);
    let out = common::run(
        &dir,
        &[
            "build",
            common::BUNDLED,
            "--preset",
            "brief",
            "-o",
            "out.pdf",
            "--layout-dump",
            "brief.txt",
        ],
    );
    assert!(out.status.success(), "{}", common::stderr(&out));
    let to_file = std::fs::read_to_string(dir.join("brief.txt")).unwrap();
    assert_eq!(to_file, to_stdout);
    // The laid-out document the library builds for the same options, box for box.
    let (_, built) = common::build(common::preset("brief"), handout::vocabulary::Paper::Letter);
    assert_eq!(to_file, handout::layout::dump::dump(&built.layout));
    let boxes: usize = built.layout.pages.iter().map(|p| p.items.len()).sum();
    assert_eq!(
        to_file.lines().filter(|l| l.starts_with("  ")).count(),
        boxes,
        "a line for each box"
    );
    // The PDF beside it is the one the dump describes.
    assert_eq!(
        common::page_count(&dir.join("out.pdf")),
        built.layout.pages.len()
    );
}

#[test]
fn flags_beat_the_profile_and_the_profile_beats_the_defaults() {
    let dir = workspace("options-precedence");
    let profile = |name: &str, text: &str| {
        std::fs::write(dir.join(name), text).unwrap();
        name.to_string()
    };
    let letter = dump(&dir, &["--preset", "brief"]);
    let a4 = dump(&dir, &["--preset", "brief", "--paper", "a4"]);
    assert_eq!(page_size(&letter), (612.0, 792.0), "the default is Letter");
    assert_eq!(page_size(&a4), (595.28, 841.89));

    // Paper.
    let p = profile("a4.toml", "paper = \"a4\"\n");
    assert_eq!(dump(&dir, &["--preset", "brief", "--profile", &p]), a4);
    assert_eq!(
        dump(
            &dir,
            &["--preset", "brief", "--profile", &p, "--paper", "letter"]
        ),
        letter
    );

    // Sections: the profile's preset when the command line names none.
    let p = profile("brief.toml", "preset = \"brief\"\n");
    assert_eq!(dump(&dir, &["--profile", &p]), letter);
    let full = dump(&dir, &[]);
    assert_ne!(full, letter, "the default is the full handout");
    assert_eq!(dump(&dir, &["--profile", &p, "--preset", "full"]), full);
    assert_eq!(
        dump(&dir, &["--profile", &p, "--sections", "faq"]),
        dump(&dir, &["--sections", "faq"])
    );

    // Margins: the profile's, else the defaults (0.75 in).
    assert!(
        (left_edge(&letter) - 54.0).abs() < 0.01,
        "{}",
        left_edge(&letter)
    );
    let p = profile("margins.toml", "[margins_mm]\nleft = 30\n");
    let wide = dump(&dir, &["--preset", "brief", "--profile", &p]);
    let thirty_mm = 30.0 * 72.0 / 25.4;
    assert!(
        (left_edge(&wide) - thirty_mm).abs() < 0.01,
        "{}",
        left_edge(&wide)
    );

    // Type size: the profile's, else 12 pt; --large-print raises it to 18 pt.
    assert_eq!(body_sizes(&letter), ["12.0"]);
    let p = profile("size.toml", "font_size = 14\n");
    assert_eq!(
        body_sizes(&dump(&dir, &["--preset", "brief", "--profile", &p])),
        ["14.0"]
    );
    assert_eq!(
        body_sizes(&dump(
            &dir,
            &["--preset", "brief", "--profile", &p, "--large-print"]
        )),
        ["18.0"]
    );
}

/// The address a phone reads from the QR code on page 1 of `pdf`, decoded by zbar.
fn qr_code(dir: &Path, pdf: &str) -> String {
    let status = Command::new("pdftoppm")
        // 300 dpi: a 1,000-character address is a dense code.
        .args(["-png", "-r", "300", "-f", "1", "-l", "1", "-singlefile"])
        .arg(dir.join(pdf))
        .arg(dir.join("page"))
        .status()
        .expect("pdftoppm (poppler-utils) must be installed");
    assert!(status.success());
    let decoded = Command::new("zbarimg")
        .args(["-q", "--raw"])
        .arg(dir.join("page.png"))
        .output()
        .expect("zbarimg (zbar-tools) must be installed: scripts/test installs it");
    String::from_utf8_lossy(&decoded.stdout).trim().to_string()
}

#[test]
fn a_handouts_meta_url_is_a_link_and_a_qr_code_unless_the_profile_has_one() {
    let dir = workspace("options-meta-url");
    let file = dir.join(common::BUNDLED);
    let text = std::fs::read_to_string(&file).unwrap();
    let url = "https://handouts.example.org/l3-l4";
    std::fs::write(
        &file,
        text.replacen("[meta]\n", &format!("[meta]\nurl = \"{url}\"\n"), 1),
    )
    .unwrap();
    let own = dump(&dir, &["--preset", "brief"]);
    assert_eq!(links(&own), [url]);
    assert_eq!(qr_code(&dir, "out.pdf"), url);
    // The profile's address wins.
    let branded = dump(
        &dir,
        &["--preset", "brief", "--profile", "riverside-spine.toml"],
    );
    let profiles = "https://riverside.example.org/spine/l3-l4";
    assert_eq!(links(&branded), [profiles]);
    assert_eq!(qr_code(&dir, "out.pdf"), profiles);
}

/// A PNG header claiming these dimensions and nothing more: the size check must refuse
/// it before decoding.
fn png_header(width: u32, height: u32) -> Vec<u8> {
    let mut bytes = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    bytes.extend(width.to_be_bytes());
    bytes.extend(height.to_be_bytes());
    bytes.extend([8, 6, 0, 0, 0, 0, 0, 0, 0]);
    bytes
}

#[test]
fn web_addresses_over_1000_characters_and_logos_over_the_pixel_limits_are_refused() {
    let dir = workspace("options-limits");
    let at = |n: usize| {
        let url = format!("https://example.org/{}", "a".repeat(n - 20));
        assert_eq!(url.len(), n);
        url
    };
    let build = |profile: &str| {
        std::fs::write(dir.join("p.toml"), profile).unwrap();
        common::run(
            &dir,
            &[
                "build",
                common::BUNDLED,
                "--preset",
                "brief",
                "--profile",
                "p.toml",
                "-o",
                "out.pdf",
            ],
        )
    };
    let ok = build(&format!("url = \"{}\"\n", at(1000)));
    assert!(ok.status.success(), "{}", common::stderr(&ok));
    assert_eq!(qr_code(&dir, "out.pdf"), at(1000));
    std::fs::remove_file(dir.join("out.pdf")).unwrap();
    let long = build(&format!("url = \"{}\"\n", at(1001)));
    assert_eq!(long.status.code(), Some(1));
    assert!(
        common::stderr(&long).contains("longer than 1,000 characters"),
        "{}",
        common::stderr(&long)
    );
    // In a handout too.
    let file = dir.join(common::BUNDLED);
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(
        &file,
        text.replacen("[meta]\n", &format!("[meta]\nurl = \"{}\"\n", at(1001)), 1),
    )
    .unwrap();
    let long = common::run(&dir, &["build", common::BUNDLED, "-o", "out.pdf"]);
    assert_eq!(long.status.code(), Some(1));
    assert!(
        common::stderr(&long).contains("meta.url: the address is longer than 1,000"),
        "{}",
        common::stderr(&long)
    );
    std::fs::write(&file, text).unwrap();

    // Each logo limit on its own: a side over 10,000 pixels (1 megapixel in all), and
    // 30 megapixels with both sides under 10,000.
    for (width, height) in [(10_001, 100), (100, 10_001), (6_000, 5_000)] {
        std::fs::write(dir.join("big.png"), png_header(width, height)).unwrap();
        let out = build("[clinic]\nname = \"X\"\n\n[logo]\nfile = \"big.png\"\nalt = \"X logo\"\n");
        let err = common::stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{width} x {height}: {err}");
        assert!(
            err.contains(&format!("is {width} x {height} pixels")),
            "{err}"
        );
    }
    assert!(!dir.join("out.pdf").exists());
}

#[test]
fn a_jpeg_logo_is_printed_in_its_proportions() {
    let dir = workspace("options-jpeg");
    // A 300 x 150 JPEG drawn by Pillow, the reference tools' image library.
    let made = Command::new(common::tools_python())
        .args([
            "-c",
            "import sys; from PIL import Image, ImageDraw\n\
             im = Image.new('RGB', (300, 150), (31, 78, 121))\n\
             ImageDraw.Draw(im).ellipse((100, 25, 200, 125), fill=(255, 255, 255))\n\
             im.save(sys.argv[1], 'JPEG', quality=90)",
        ])
        .arg(dir.join("logo.jpg"))
        .status()
        .expect("the reference tools' Python");
    assert!(made.success());
    std::fs::write(
        dir.join("p.toml"),
        "[clinic]\nname = \"Oak Clinic\"\n\n[logo]\nfile = \"logo.jpg\"\nalt = \"Oak Clinic logo\"\n",
    )
    .unwrap();
    let dump = dump(&dir, &["--preset", "brief", "--profile", "p.toml"]);
    let image = dump
        .lines()
        .find(|l| l.trim_start().starts_with("image "))
        .expect("the logo is laid out");
    let (w, h) = (field(image, "w="), field(image, "h="));
    assert!((w - 2.0 * h).abs() < 0.02 && h <= 48.01, "{image}");
    assert!(image.ends_with("alt=\"Oak Clinic logo\""), "{image}");
    // In the PDF: one image of the JPEG's pixels, which poppler reads.
    let list = Command::new("pdfimages")
        .arg("-list")
        .arg(dir.join("out.pdf"))
        .output()
        .expect("pdfimages (poppler-utils)");
    assert!(list.status.success());
    let listing = String::from_utf8_lossy(&list.stdout);
    let images: Vec<Vec<&str>> = listing
        .lines()
        .skip(2)
        .map(|l| l.split_whitespace().collect())
        .filter(|cols: &Vec<&str>| cols.get(2) == Some(&"image"))
        .collect();
    assert_eq!(images.len(), 1, "{listing}");
    assert_eq!((images[0][3], images[0][4]), ("300", "150"), "{listing}");
    assert!(common::mupdf_complaints(&dir.join("out.pdf")).is_empty());
}

/// The CJK faces pdffonts lists in a PDF.
fn cjk_fonts(pdf: &Path) -> Vec<String> {
    let out = Command::new("pdffonts")
        .arg(pdf)
        .output()
        .expect("pdffonts");
    assert!(out.status.success());
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .skip(2)
        .filter_map(|l| l.split_whitespace().next())
        .filter_map(|name| name.split_once('+').map(|(_, n)| n.to_string()))
        .filter(|name| name.contains("CJK"))
        .collect()
}

#[test]
fn handout_fonts_is_searched_before_the_installed_fonts() {
    let dir = common::scratch("options-fonts");
    let chinese = common::root().join("handouts/l3-l4-foraminal-narrowing.zh-Hans.toml");
    let build = |fonts: &Path, pdf: &str| {
        let out = Command::new(env!("CARGO_BIN_EXE_handout"))
            .current_dir(&dir)
            .arg("build")
            .arg(&chinese)
            .args(["--preset", "brief", "-o", pdf])
            .env("HANDOUT_FONTS", fonts)
            .env_remove("SOURCE_DATE_EPOCH")
            .output()
            .expect("run handout");
        assert!(out.status.success(), "{}", common::stderr(&out));
        cjk_fonts(&dir.join(pdf))
    };
    std::fs::create_dir(dir.join("none")).unwrap();
    let installed = build(&dir.join("none"), "installed.pdf");
    assert!(
        installed.iter().any(|f| f.ends_with("-Regular")),
        "{installed:?}"
    );
    // A directory whose "regular" collection is the bold one: found first, so the
    // regular text is set in bold faces.
    let fonts = dir.join("fonts");
    std::fs::create_dir(&fonts).unwrap();
    let bold = handout::fonts::system::candidates()
        .into_iter()
        .find(|p| p.ends_with(handout::fonts::system::CJK_BOLD))
        .expect("fonts-noto-cjk is installed");
    std::os::unix::fs::symlink(&bold, fonts.join(handout::fonts::system::CJK_REGULAR)).unwrap();
    let swapped = build(&fonts, "swapped.pdf");
    assert!(!swapped.is_empty());
    assert!(swapped.iter().all(|f| f.ends_with("-Bold")), "{swapped:?}");
}
