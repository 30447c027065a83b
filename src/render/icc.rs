//! The generator of `srgb.icc`, the small sRGB ICC profile (version 2.1, display class,
//! matrix and tone curves) that PDF/A's output intent needs, built from the sRGB
//! standard's numbers. Every document embeds the committed file; computing its tone
//! curve took 2 % of a whole-process build. A test keeps the two equal; regenerate with
//! `UPDATE_ICC=1 cargo test --lib icc`.

/// D50, the profile connection space's white.
const D50: [f64; 3] = [0.9642, 1.0, 0.8249];

/// D65, sRGB's white: a version 2 display profile gives its own white as the media
/// white point (version 4 would say D50), which absolute-colorimetric rendering uses.
const D65: [f64; 3] = [0.9505, 1.0, 1.0891];

/// sRGB's red, green and blue primaries adapted to D50 (Bradford), as published with
/// the ICC's own sRGB profiles.
const RED: [f64; 3] = [0.436066, 0.222488, 0.013916];
const GREEN: [f64; 3] = [0.385147, 0.716873, 0.097076];
const BLUE: [f64; 3] = [0.143066, 0.060608, 0.714096];

/// Points on the tone curve: enough that interpolation stays within a 16-bit step.
const CURVE_POINTS: usize = 1024;

const DESCRIPTION: &str = "sRGB IEC61966-2.1 (handout)";
const COPYRIGHT: &str = "No copyright, use freely";

/// The profile's bytes.
pub fn srgb() -> Vec<u8> {
    let tags: Vec<([u8; 4], Vec<u8>)> = vec![
        (*b"desc", description(DESCRIPTION)),
        (*b"cprt", text(COPYRIGHT)),
        (*b"wtpt", xyz(D65)),
        (*b"rXYZ", xyz(RED)),
        (*b"gXYZ", xyz(GREEN)),
        (*b"bXYZ", xyz(BLUE)),
        (*b"rTRC", curve()),
    ];
    // The three tone curves are the same; they share one copy of the data.
    let entries = tags.len() + 2;
    let table_len = 4 + 12 * entries;
    let mut data = Vec::new();
    let mut directory = Vec::new();
    let mut offset = 128 + table_len;
    let mut curve_at = (0, 0);
    for (signature, body) in &tags {
        directory.push((*signature, offset, body.len()));
        if signature == b"rTRC" {
            curve_at = (offset, body.len());
        }
        data.extend_from_slice(body);
        offset += body.len();
        while data.len() % 4 != 0 {
            data.push(0);
            offset += 1;
        }
    }
    directory.push((*b"gTRC", curve_at.0, curve_at.1));
    directory.push((*b"bTRC", curve_at.0, curve_at.1));

    let size = 128 + table_len + data.len();
    let mut out = Vec::with_capacity(size);
    out.extend(u32_be(size));
    out.extend([0; 4]); // preferred CMM: none
    out.extend([0x02, 0x10, 0, 0]); // version 2.1
    out.extend(b"mntr");
    out.extend(b"RGB ");
    out.extend(b"XYZ ");
    // Creation date, fixed so the output stays deterministic: 2026-01-01 00:00:00.
    for part in [2026u16, 1, 1, 0, 0, 0] {
        out.extend(part.to_be_bytes());
    }
    out.extend(b"acsp");
    out.extend([0; 4 + 4 + 4 + 4 + 8]); // platform, flags, manufacturer, model, attributes
    out.extend(u32_be(0)); // rendering intent: perceptual
    out.extend(xyz_numbers(D50));
    out.extend([0; 4]); // creator
    out.resize(128, 0);
    out.extend(u32_be(entries));
    for (signature, offset, len) in directory {
        out.extend(signature);
        out.extend(u32_be(offset));
        out.extend(u32_be(len));
    }
    out.extend(data);
    out
}

fn u32_be(n: usize) -> [u8; 4] {
    u32::try_from(n).unwrap_or(u32::MAX).to_be_bytes()
}

/// An s15Fixed16 number.
fn fixed(v: f64) -> [u8; 4] {
    ((v * 65536.0).round() as i32).to_be_bytes()
}

fn xyz_numbers(v: [f64; 3]) -> Vec<u8> {
    v.iter().flat_map(|&c| fixed(c)).collect()
}

fn xyz(v: [f64; 3]) -> Vec<u8> {
    let mut out = b"XYZ \0\0\0\0".to_vec();
    out.extend(xyz_numbers(v));
    out
}

fn text(s: &str) -> Vec<u8> {
    let mut out = b"text\0\0\0\0".to_vec();
    out.extend(s.as_bytes());
    out.push(0);
    out
}

/// A version 2 `textDescriptionType`: ASCII, with empty Unicode and ScriptCode parts.
fn description(s: &str) -> Vec<u8> {
    let mut out = b"desc\0\0\0\0".to_vec();
    out.extend(u32_be(s.len() + 1));
    out.extend(s.as_bytes());
    out.push(0);
    out.extend([0; 4 + 4]); // Unicode language and count
    out.extend([0; 2 + 1 + 67]); // ScriptCode code, count and its fixed 67 bytes
    out
}

/// sRGB's tone curve: linear near black, then a 2.4 power.
fn curve() -> Vec<u8> {
    let mut out = b"curv\0\0\0\0".to_vec();
    out.extend(u32_be(CURVE_POINTS));
    for i in 0..CURVE_POINTS {
        let v = i as f64 / (CURVE_POINTS - 1) as f64;
        let linear = if v <= 0.04045 {
            v / 12.92
        } else {
            ((v + 0.055) / 1.055).powf(2.4)
        };
        out.extend(((linear * 65535.0).round() as u16).to_be_bytes());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_committed_profile_is_what_the_generator_makes() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/src/render/srgb.icc");
        if std::env::var_os("UPDATE_ICC").is_some() {
            std::fs::write(path, srgb()).unwrap();
        }
        assert!(
            srgb() == super::super::archival::SRGB_PROFILE,
            "src/render/srgb.icc differs from what icc.rs generates; \
             regenerate with UPDATE_ICC=1 cargo test --lib icc"
        );
    }

    fn u32_at(b: &[u8], at: usize) -> usize {
        u32::from_be_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]]) as usize
    }

    #[test]
    fn header_declares_an_rgb_display_profile_of_its_own_length() {
        let icc = srgb();
        assert_eq!(u32_at(&icc, 0), icc.len());
        assert_eq!(&icc[12..24], b"mntrRGB XYZ ");
        assert_eq!(&icc[36..40], b"acsp");
        assert!(icc.len() < 4096, "{} bytes", icc.len());
    }

    #[test]
    fn every_tag_lies_inside_the_profile_on_a_four_byte_boundary() {
        let icc = srgb();
        let count = u32_at(&icc, 128);
        let mut names = Vec::new();
        for i in 0..count {
            let at = 132 + 12 * i;
            let (offset, len) = (u32_at(&icc, at + 4), u32_at(&icc, at + 8));
            assert_eq!(offset % 4, 0);
            assert!(offset + len <= icc.len());
            names.push(String::from_utf8_lossy(&icc[at..at + 4]).to_string());
        }
        for required in [
            "desc", "cprt", "wtpt", "rXYZ", "gXYZ", "bXYZ", "rTRC", "gTRC", "bTRC",
        ] {
            assert!(names.iter().any(|n| n == required), "{required} missing");
        }
    }

    #[test]
    fn tone_curve_runs_from_black_to_white_and_never_falls() {
        let c = curve();
        let values: Vec<u16> = c[12..]
            .chunks(2)
            .map(|p| u16::from_be_bytes([p[0], p[1]]))
            .collect();
        assert_eq!(values.len(), CURVE_POINTS);
        assert_eq!(values[0], 0);
        assert_eq!(values[CURVE_POINTS - 1], 65535);
        assert!(values.windows(2).all(|w| w[0] <= w[1]));
        // Mid grey (50% signal) is about 21.4% light in sRGB.
        let mid = f64::from(values[CURVE_POINTS / 2]) / 65535.0;
        assert!((mid - 0.214).abs() < 0.002, "{mid}");
    }
}
