//! Bar charts drawn as SVG on the server: they read without JavaScript, print, and scale with
//! the page.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::i18n::Locale;
use crate::ledger::types::Money;
use crate::ui::date::{month_name, month_of};
use crate::ui::money::format_money_short;

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

/// Months a dashboard's chart covers.
pub const CHART_MONTHS: usize = 12;

/// What came in (or went out) in one calendar month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct MonthTotal {
    pub year: i64,
    /// 1 to 12.
    pub month: i64,
    pub amount: Money,
}

/// Sums `payments` (Unix seconds, cents) per calendar month over the `months` months up to the
/// one of `now`, oldest first; a month without payments is there with 0.
pub fn per_month(payments: &[(i64, i64)], now: i64, months: usize) -> Vec<MonthTotal> {
    let index = |(y, m): (i64, i64)| y * 12 + m - 1;
    let last = index(month_of(now));
    let first = last - months as i64 + 1;
    let mut totals: Vec<((i64, i64), i64)> = (first..=last)
        .map(|i| ((i.div_euclid(12), i.rem_euclid(12) + 1), 0))
        .collect();
    for &(at, amount) in payments {
        let i = index(month_of(at));
        if (first..=last).contains(&i) {
            totals[(i - first) as usize].1 += amount;
        }
    }
    totals
        .into_iter()
        .map(|((year, month), minor)| MonthTotal {
            year,
            month,
            amount: Money::eur(minor),
        })
        .collect()
}

/// A bar per month, labelled with the month's short name and the amount.
pub fn month_bars(months: &[MonthTotal], locale: Locale) -> Vec<Bar> {
    months
        .iter()
        .map(|m| Bar {
            label: month_name(m.month, locale).to_owned(),
            value: m.amount.minor,
            text: format_money_short(m.amount, locale),
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
    fn payments_are_summed_per_month_over_the_last_twelve() {
        // 2026-11-23 and 2026-01-15 and 2025-11-30 (too old), 2026-11-01.
        let now = 1_795_437_900;
        let payments = [
            (now, 500),
            (1_795_437_900 - 22 * 86_400, 250),
            (1_768_435_200, 100),
            (1_764_460_800, 9_999),
        ];
        let months = per_month(&payments, now, CHART_MONTHS);
        assert_eq!(months.len(), 12);
        let at = |m: &MonthTotal| ((m.year, m.month), m.amount.minor);
        assert_eq!(at(&months[0]), ((2025, 12), 0));
        assert_eq!(at(&months[1]), ((2026, 1), 100));
        assert_eq!(at(&months[11]), ((2026, 11), 750));
        assert_eq!(months.iter().map(|m| m.amount.minor).sum::<i64>(), 850);
    }

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
