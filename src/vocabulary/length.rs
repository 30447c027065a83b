//! Lengths. Layout works in PostScript points (1/72 inch); people give margins in
//! millimetres.

const MM_PER_INCH: f32 = 25.4;
const POINTS_PER_INCH: f32 = 72.0;

pub fn mm_to_pt(mm: f32) -> f32 {
    mm * POINTS_PER_INCH / MM_PER_INCH
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_inch_is_72_points() {
        assert!((mm_to_pt(25.4) - 72.0).abs() < 1e-4);
        assert!((mm_to_pt(210.0) - 595.28).abs() < 0.01);
    }
}
