//! Fitting a handout to a page target: the layout's spare room is taken out first, then
//! the type gets smaller in small steps down to a floor, and the loosest setting that
//! fits wins. Without a target, a last page that would hold only a few lines is pulled
//! back by tightening space alone, never type.
//!
//! Each setting is a [`Theme`]; settings are ordered from loosest to tightest, and the
//! page count only falls along that order, so the loosest fitting setting is found by
//! bisection: a brief that fits as it is costs one layout, one that needs fitting about
//! five.

use super::blocks;
use super::flow::Built;
use super::page::{BodyArea, Furniture};
use super::paginate::{self, Placed};
use super::text::Setting;
use super::{LayoutError, Request, Theme, MAX_PAGES};

/// Steps from no slack taken out to all of it.
const SLACK_STEPS: usize = 4;
/// How much smaller the body text gets at each step past the slack.
const SIZE_STEP: f32 = 0.25;
/// A last page whose content is at most this many body lines is pulled back onto the
/// page before when tightening space alone does it.
const FEW_LINES: f32 = 6.0;

/// How many pages a build must fit on, and how small its body text may get for it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PageTarget {
    pub pages: usize,
    /// The smallest body size fitting may use (large print never goes below 18 pt).
    pub min_body_size: f32,
}

/// What fitting did: reported with the document.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Fit {
    /// The page target asked for, if any.
    pub target: Option<usize>,
    /// The body size the handout was set at.
    pub body_size: f32,
    /// How much of the body, in points, stands on pages past the target: 0 when it fits.
    pub overflow: f32,
    /// The body's line height, to say the overflow in lines.
    pub body_leading: f32,
    /// The smallest body size fitting could try.
    pub floor: f32,
}

impl Fit {
    /// The target, when one was asked for and not met.
    pub fn missed(&self) -> Option<usize> {
        self.target.filter(|_| self.overflow > 0.0)
    }
}

/// One layout of the flow at one setting, paginated but not yet composed.
pub(super) struct Attempt {
    pub theme: Theme,
    pub furniture: Furniture,
    pub body: BodyArea,
    pub built: Built,
    pub placed: Vec<Vec<Placed>>,
}

impl Attempt {
    fn pages(&self) -> usize {
        self.placed.len()
    }

    /// The height of the content on the pages from `first` on.
    fn height_from(&self, first: usize) -> f32 {
        self.placed
            .iter()
            .skip(first)
            .filter_map(|page| page.last())
            .map(|p| p.y + self.built.elements[p.element].height)
            .sum()
    }
}

/// Lays the request out at `theme` and paginates it.
fn attempt(
    request: &Request<'_>,
    fonts: &Setting<'_>,
    theme: Theme,
) -> Result<Attempt, LayoutError> {
    let request = Request {
        theme,
        ..request.clone()
    };
    let mut furniture = Furniture::new(&request, fonts)?;
    let body = furniture.body_area(&request.theme);
    let mut built = blocks::build(&request, fonts, &body)?;
    furniture.tag_footer(&mut built.structure);
    let placed = paginate::paginate(&built.elements, body.height);
    if placed.len() > MAX_PAGES {
        return Err(LayoutError::TooManyPages {
            pages: placed.len(),
        });
    }
    Ok(Attempt {
        theme: request.theme,
        furniture,
        body,
        built,
        placed,
    })
}

/// The settings fitting may use, loosest first: as asked; then slack taken out step by
/// step; then, with all slack out, body text smaller step by step down to the floor.
struct Settings {
    base: Theme,
    size_steps: usize,
}

impl Settings {
    fn new(base: &Theme, floor: Option<f32>) -> Settings {
        let size_steps = match floor {
            Some(floor) if !base.large_print && base.body_size > floor => {
                ((base.body_size - floor) / SIZE_STEP + 0.001).floor() as usize
            }
            _ => 0,
        };
        Settings {
            base: base.clone(),
            size_steps,
        }
    }

    /// The index of the tightest setting.
    fn tightest(&self) -> usize {
        SLACK_STEPS + self.size_steps
    }

    fn theme(&self, level: usize) -> Theme {
        if level == 0 {
            return self.base.clone();
        }
        let slack = (level.min(SLACK_STEPS) as f32) / SLACK_STEPS as f32;
        let tight = self.base.tightened(slack);
        match level.checked_sub(SLACK_STEPS) {
            Some(steps) if steps > 0 => {
                tight.with_body_size(self.base.body_size - steps as f32 * SIZE_STEP)
            }
            _ => tight,
        }
    }
}

/// Lays out the request, fitted to its page target if it has one, and says what fitting
/// did.
pub(super) fn fitted(
    request: &Request<'_>,
    fonts: &Setting<'_>,
) -> Result<(Attempt, Fit), LayoutError> {
    let target = request.fit;
    let settings = Settings::new(&request.theme, target.map(|t| t.min_body_size));
    // With a target, tries may follow, which wrap most paragraphs at the same size and
    // width as the first (the first slack steps change only vertical space): they keep
    // what they wrap.
    let remembering = fonts.remembering();
    let fonts = if target.is_some() {
        &remembering
    } else {
        fonts
    };
    // A patient's details are wrapped once for all the tries, and forgotten after.
    let _private = target.is_some().then(super::wrapped::OneDocument::begin);
    let first = attempt(request, fonts, settings.theme(0))?;
    let chosen = match target {
        Some(target) if first.pages() > target.pages => {
            loosest(request, fonts, &settings, first, target.pages)?
        }
        None if ends_with_few_lines(&first) => {
            let wanted = first.pages() - 1;
            let slack_only = Settings {
                base: settings.base.clone(),
                size_steps: 0,
            };
            loosest(request, fonts, &slack_only, first, wanted)?
        }
        _ => first,
    };
    let fit = Fit {
        target: target.map(|t| t.pages),
        body_size: chosen.theme.body_size,
        overflow: target.map_or(0.0, |t| chosen.height_from(t.pages)),
        body_leading: chosen.theme.body_leading,
        floor: settings.theme(settings.tightest()).body_size,
    };
    Ok((chosen, fit))
}

/// Whether the last page holds only a few lines that tighter spacing might pull back.
fn ends_with_few_lines(attempt: &Attempt) -> bool {
    attempt.pages() > 1
        && attempt.height_from(attempt.pages() - 1) <= FEW_LINES * attempt.theme.body_leading
}

/// The loosest setting that lays the request out on `wanted` pages or fewer, given that
/// setting 0 (`first`) does not; when none does, the loosest that lays it out on as few
/// pages as the tightest.
fn loosest(
    request: &Request<'_>,
    fonts: &Setting<'_>,
    settings: &Settings,
    first: Attempt,
    wanted: usize,
) -> Result<Attempt, LayoutError> {
    let tightest = settings.tightest();
    // Bisection: `lo` does not fit, `hi` is the loosest known to fit (or the tightest).
    // The first probe is the last setting that moves no margin: below it every try
    // rewraps nothing (the paragraphs are remembered), past it each one rewraps.
    let (mut lo, mut hi) = (0, tightest);
    let mut fitting: Option<Attempt> = None;
    let mut probe = Some(SLACK_STEPS - 1);
    while hi - lo > 1 {
        let mid = probe
            .take()
            .filter(|&p| lo < p && p < hi)
            // Rounded up: the loosest fit is most often just below the tightest known.
            .unwrap_or(lo + (hi - lo).div_ceil(2));
        let tried = attempt(request, fonts, settings.theme(mid))?;
        if tried.pages() <= wanted {
            hi = mid;
            fitting = Some(tried);
        } else {
            lo = mid;
        }
    }
    let at_hi = match fitting {
        Some(found) => return Ok(found),
        None if hi == 0 => return Ok(first),
        None => attempt(request, fonts, settings.theme(hi))?,
    };
    if at_hi.pages() <= wanted {
        return Ok(at_hi);
    }
    // It cannot fit: as few pages as the rules allow, at the loosest setting giving them.
    if at_hi.pages() >= first.pages() {
        return Ok(first);
    }
    let fewest = at_hi.pages();
    let (mut lo, mut hi) = (0, tightest);
    let mut best = at_hi;
    while hi - lo > 1 {
        let mid = lo + (hi - lo) / 2;
        let tried = attempt(request, fonts, settings.theme(mid))?;
        if tried.pages() <= fewest {
            hi = mid;
            best = tried;
        } else {
            lo = mid;
        }
    }
    Ok(best)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vocabulary::Paper;

    /// Every spacing and size a setting may change, to compare two settings by.
    fn measures(t: &Theme) -> Vec<f32> {
        vec![
            t.body_size,
            t.body_leading,
            t.title_size,
            t.heading_size,
            t.block_gap,
            t.item_gap,
            t.heading_gap,
            t.box_padding,
            t.box_inset,
            t.spacing,
            t.margin_left,
            t.margin_right,
            t.footer_size,
        ]
    }

    #[test]
    fn settings_only_tighten_from_the_first_to_the_floor() {
        let base = Theme::standard(Paper::Letter, 12.0);
        let settings = Settings::new(&base, Some(11.0));
        assert_eq!(settings.theme(0), base);
        assert_eq!(settings.tightest(), SLACK_STEPS + 4);
        for level in 1..=settings.tightest() {
            let (looser, tighter) = (settings.theme(level - 1), settings.theme(level));
            for (a, b) in measures(&looser).into_iter().zip(measures(&tighter)) {
                assert!(b <= a, "level {level}: {b} after {a}");
            }
            assert_ne!(looser, tighter, "level {level} changes something");
            assert!(tighter.margin_left >= 36.0 && tighter.margin_right >= 36.0);
        }
        let tightest = settings.theme(settings.tightest());
        assert_eq!(tightest.body_size, 11.0);
        // Until the last slack step, widths stay, so tries reuse their wrapped lines.
        for level in 1..SLACK_STEPS {
            let t = settings.theme(level);
            assert_eq!((t.margin_left, t.box_inset, t.body_size), (54.0, 7.0, 12.0));
        }
    }

    #[test]
    fn large_print_and_a_raised_floor_keep_the_type() {
        let large = Theme::large_print(Paper::A4, 18.0);
        let settings = Settings::new(&large, Some(11.0));
        assert_eq!(settings.tightest(), SLACK_STEPS);
        for level in 0..=settings.tightest() {
            let t = settings.theme(level);
            assert_eq!((t.body_size, t.title_size), (18.0, large.title_size));
        }
        let base = Theme::standard(Paper::Letter, 12.0);
        assert_eq!(Settings::new(&base, Some(12.0)).tightest(), SLACK_STEPS);
        let profile_margins = base.clone().with_margins_mm(None, None, Some(30.0), None);
        let tight = Settings::new(&profile_margins, Some(11.0)).theme(SLACK_STEPS);
        assert_eq!(tight.margin_left, profile_margins.margin_left);
        assert!(tight.margin_right < base.margin_right);
    }
}
