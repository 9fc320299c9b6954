//! Bar charts drawn as SVG on the server: they read without JavaScript, print, and scale with
//! the page.

use leptos::prelude::*;

/// One bar: what it is, its value, and the value as people read it.
#[derive(Debug, Clone, PartialEq)]
pub struct Bar {
    pub label: String,
    pub value: i64,
    pub text: String,
}

const WIDTH: i64 = 640;
const HEIGHT: i64 = 220;
/// The plot area: room above for the values, below for the labels.
const TOP: i64 = 22;
const BASELINE: i64 = 186;
const MAX_BAR: i64 = 56;

/// Where each bar goes: `(x, y, width, height)` in the chart's coordinates. Heights are
/// proportional to the values, the largest reaching the top; nothing below zero is drawn.
pub fn layout(values: &[i64]) -> Vec<(i64, i64, i64, i64)> {
    let n = values.len().max(1) as i64;
    let slot = WIDTH / n;
    // Bars stay slim when there are few of them.
    let width = (slot * 3 / 5).clamp(1, MAX_BAR);
    let max = values.iter().copied().max().unwrap_or(0).max(1);
    values
        .iter()
        .enumerate()
        .map(|(i, &v)| {
            let height = v.max(0) * (BASELINE - TOP) / max;
            let x = i as i64 * slot + (slot - width) / 2;
            (x, BASELINE - height, width, height)
        })
        .collect()
}

/// A column per bar, with its value above and its label below; `caption` names the chart for
/// screen readers and under it.
#[component]
pub fn BarChart(bars: Vec<Bar>, caption: String) -> impl IntoView {
    let boxes = layout(&bars.iter().map(|b| b.value).collect::<Vec<_>>());
    let view_box = format!("0 0 {WIDTH} {HEIGHT}");
    view! {
        <figure class="chart">
            <svg viewBox=view_box role="img" aria-label=caption.clone() preserveAspectRatio="xMidYMid meet">
                <line x1="0" x2=WIDTH y1=BASELINE y2=BASELINE class="chart-axis" />
                {bars.into_iter().zip(boxes).map(|(bar, (x, y, width, height))| {
                    let middle = x + width / 2;
                    view! {
                        <g class="chart-column">
                            <rect x=x y=y width=width height=height rx="3" class="chart-bar">
                                <title>{format!("{}: {}", bar.label, bar.text)}</title>
                            </rect>
                            {(bar.value != 0).then(|| view! {
                                <text x=middle y=y - 6 text-anchor="middle" class="chart-value">{bar.text.clone()}</text>
                            })}
                            <text x=middle y=BASELINE + 20 text-anchor="middle" class="chart-label">{bar.label}</text>
                        </g>
                    }
                }).collect_view()}
            </svg>
            <figcaption>{caption}</figcaption>
        </figure>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_largest_bar_fills_the_plot_and_the_others_are_in_proportion() {
        let boxes = layout(&[0, 50, 100, -5]);
        assert_eq!(boxes[2].3, BASELINE - TOP);
        assert_eq!(boxes[1].3, (BASELINE - TOP) / 2);
        assert_eq!(boxes[0].3, 0);
        assert_eq!(boxes[3].3, 0, "nothing below zero");
        for (x, y, w, h) in &boxes {
            assert!(*x >= 0 && x + w <= WIDTH && *y + h == BASELINE);
        }
        assert!(boxes.windows(2).all(|p| p[0].0 < p[1].0), "left to right");
        assert!(layout(&[3])[0].2 <= MAX_BAR, "a lone bar stays slim");
    }

    #[test]
    fn an_empty_chart_has_no_bars() {
        assert!(layout(&[]).is_empty());
        assert_eq!(layout(&[0, 0])[1].3, 0);
    }
}
