//! Ratings after a completed deal, and the reputation they make on public pages.

use leptos::prelude::*;

use crate::deals::api::{get_reputation, RateDeal};
use crate::deals::types::{Reputation, Stars};
use crate::i18n::*;
use crate::ui::date::format_date;
use crate::ui::form::{action_error, FieldProblem, FormError, TextArea};

/// Five stars, `n` of them full.
pub fn stars_text(n: u8) -> String {
    (1..=5).map(|i| if i <= n { '★' } else { '☆' }).collect()
}

/// On a completed deal: the rating the viewer received, and theirs to give (once).
#[component]
pub fn Rating(
    deal: i64,
    given: Option<Stars>,
    received: Option<Stars>,
    rate: ServerAction<RateDeal>,
) -> impl IntoView {
    let i18n = use_i18n();
    let errors = action_error(rate);
    view! {
        <section class="card deal-rating" data-testid="deal-rating">
            <h2>{t!(i18n, deals.rating)}</h2>
            {received.map(|s| {
                let stars = stars_text(s.get());
                view! { <p>{t!(i18n, deals.rating_received)} " " <span class="stars" aria-label=s.get().to_string()>{stars}</span></p> }
            })}
            {match given {
                Some(s) => {
                    let stars = stars_text(s.get());
                    view! { <p>{t!(i18n, deals.rating_given)} " " <span class="stars" aria-label=s.get().to_string()>{stars}</span></p> }.into_any()
                }
                None => view! {
                    <ActionForm action=rate attr:class="form">
                        <input type="hidden" name="id" value=deal.to_string() />
                        <fieldset class="stars-input">
                            <legend>{t!(i18n, deals.rate_prompt)}</legend>
                            <div class="stars-choice">
                            {(1..=5u8).rev().map(|n| {
                                let id = format!("stars-{n}");
                                view! {
                                    <input type="radio" id=id.clone() name="stars" value=n.to_string() required=true />
                                    <label for=id title=format!("{n}/5")>
                                        <span aria-hidden="true">"★"</span>
                                        <span class="visually-hidden">{format!("{n}/5")}</span>
                                    </label>
                                }
                            }).collect_view()}
                            </div>
                        </fieldset>
                        <FieldProblem errors name="stars" />
                        <TextArea name="comment" label=Signal::derive(move || t_string!(i18n, deals.rating_comment).to_string()) errors rows=2 maxlength=1000 />
                        <FormError errors fields=&["stars", "comment"] />
                        <button type="submit" class="btn btn-primary" disabled=move || rate.pending().get()>{t!(i18n, deals.rate)}</button>
                    </ActionForm>
                }.into_any(),
            }}
        </section>
    }
}

/// How quickly someone answers, in words.
fn answers_in(i18n: leptos_i18n::I18nContext<Locale>, mins: u32) -> AnyView {
    match mins {
        0..=59 => t!(i18n, deals.answers_minutes, n = move || mins.max(1)).into_any(),
        60..=2879 => {
            let hours = mins.div_ceil(60);
            t!(i18n, deals.answers_hours, n = move || hours).into_any()
        }
        _ => {
            let days = mins.div_ceil(1440);
            t!(i18n, deals.answers_days, n = move || days).into_any()
        }
    }
}

/// A creator's (or with `brand`, a brand page's) rating, responsiveness and latest reviews;
/// nothing until their deals say something.
#[component]
pub fn ReputationCard(handle: String, brand: bool) -> impl IntoView {
    let reputation = Resource::new(
        move || (handle.clone(), brand),
        |(handle, brand)| get_reputation(handle, brand),
    );
    view! {
        <Suspense fallback=|| ()>
            {move || reputation
                .get()
                .and_then(Result::ok)
                .filter(|r| r.ratings > 0 || r.response_mins.is_some())
                .map(|r| view! { <ReputationView r /> })}
        </Suspense>
    }
}

#[component]
fn ReputationView(r: Reputation) -> impl IntoView {
    let i18n = use_i18n();
    let ratings = r.ratings;
    view! {
        <section class="card reputation" data-testid="reputation">
            <h2>{t!(i18n, deals.reputation)}</h2>
            <p class="reputation-summary">
                {r.rating_centi.map(|c| {
                    let average = format!("{:.1}", f64::from(c) / 100.0);
                    let stars = stars_text(((c + 50) / 100) as u8);
                    view! {
                        <span class="stars">{stars}</span>
                        " " <strong>{average}</strong> " "
                        <span class="muted">"(" {ratings} ")"</span>
                    }
                })}
                {r.response_mins.map(|mins| view! { <span class="muted">{answers_in(i18n, mins)}</span> })}
            </p>
            <ul class="reviews">
                {r.reviews.into_iter().map(|review| {
                    let at = review.at;
                    view! {
                        <li class="review">
                            <p class="small">
                                <span class="stars">{stars_text(review.stars.get())}</span> " "
                                <strong>{review.author}</strong> " · "
                                <span class="muted">{move || format_date(at, i18n.get_locale())}</span>
                            </p>
                            {(!review.comment.is_empty()).then(|| view! { <p class="bio">{review.comment.clone()}</p> })}
                        </li>
                    }
                }).collect_view()}
            </ul>
        </section>
    }
}
