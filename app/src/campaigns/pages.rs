//! Campaign pages: the published list (`/campaigns`), one campaign (`/campaigns/:id`) and the
//! brand's desk to write, publish and close theirs (`/brand/campaigns`).

use leptos::prelude::*;
use leptos_i18n::I18nContext;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use super::api::{
    get_campaign, list_campaigns, my_campaigns, open_campaigns_of, ChangeCampaign, CreateCampaign,
};
use super::types::*;
use crate::accounts::types::{Network, Niche};
use crate::i18n::*;
use crate::market::pages::format_name;
use crate::market::types::Format;
use crate::site::niche_label;
use crate::ui::compact_number;
use crate::ui::date::format_date;
use crate::ui::form::{
    action_error, list_view, Field, FieldProblem, FormError, PageError, TextArea,
};
use crate::ui::money::format_money;

pub fn state_label(i18n: I18nContext<Locale>, s: CampaignState) -> AnyView {
    match s {
        CampaignState::Draft => t!(i18n, campaigns.draft).into_any(),
        CampaignState::Published => t!(i18n, campaigns.published).into_any(),
        CampaignState::Closed => t!(i18n, campaigns.closed).into_any(),
    }
}

fn check_label(i18n: I18nContext<Locale>, c: FitCheck) -> AnyView {
    match c {
        FitCheck::Niches => t!(i18n, campaigns.fit_niches).into_any(),
        FitCheck::Audience => t!(i18n, campaigns.fit_audience).into_any(),
        FitCheck::Networks => t!(i18n, campaigns.fit_networks).into_any(),
        FitCheck::Budget => t!(i18n, campaigns.fit_budget).into_any(),
    }
}

/// The facts of a campaign, as its card and its page show them.
#[component]
fn Facts(c: Campaign) -> impl IntoView {
    let i18n = use_i18n();
    let (budget, min, max) = (c.budget, c.min_audience, c.max_audience);
    let (starts, ends, wanted) = (c.starts_at, c.ends_at, c.creators_wanted);
    view! {
        <dl class="found-facts">
            <div><dt>{t!(i18n, campaigns.budget)}</dt><dd>{move || format_money(budget, i18n.get_locale())}</dd></div>
            <div><dt>{t!(i18n, campaigns.creators_wanted)}</dt><dd>{wanted}</dd></div>
            <div><dt>{t!(i18n, campaigns.audience)}</dt><dd>{move || {
                let locale = i18n.get_locale();
                match max {
                    Some(max) => format!("{} – {}", compact_number(min, locale), compact_number(max, locale)),
                    None => format!("{}+", compact_number(min, locale)),
                }
            }}</dd></div>
            <div><dt>{t!(i18n, campaigns.dates)}</dt><dd>{move || format!("{} → {}", format_date(starts, i18n.get_locale()), format_date(ends, i18n.get_locale()))}</dd></div>
        </dl>
        <ul class="chips">
            {c.deliverables.iter().map(|d| {
                let d = *d;
                view! { <li class="chip chip-strong">{d.count} " × " {move || format_name(i18n, d.format)} " · " {d.network.label()}</li> }
            }).collect_view()}
            {c.niches.iter().map(|n| view! { <li class="chip">{niche_label(i18n, *n)}</li> }).collect_view()}
        </ul>
    }
}

/// Published campaigns; creators see those that fit them first, with why.
#[component]
pub fn CampaignsPage() -> impl IntoView {
    let i18n = use_i18n();
    let listed = Resource::new(|| (), |_| list_campaigns());
    view! {
        <Title text=move || t_string!(i18n, campaigns.title).to_string() />
        <header class="page-head">
            <h1>{t!(i18n, campaigns.title)}</h1>
            <p class="muted">{t!(i18n, campaigns.lede)}</p>
        </header>
        <Transition fallback=move || view! { <p class="loading">{t!(i18n, common.loading)}</p> }>
            {move || listed.get().map(|r| list_view(
                r,
                || view! { <p class="empty card">{t!(i18n, campaigns.none)}</p> }.into_any(),
                |list| view! {
                    <ol class="found-list" data-testid="campaigns">
                        {list.into_iter().map(|l| view! { <CampaignCard l /> }).collect_view()}
                    </ol>
                }.into_any(),
            ))}
        </Transition>
    }
}

/// A brand's campaigns open to creators, on its public page.
#[component]
pub fn OpenCampaigns(slug: String) -> impl IntoView {
    let i18n = use_i18n();
    let open = Resource::new(move || slug.clone(), open_campaigns_of);
    view! {
        <section class="card" data-testid="brand-campaigns">
            <h2>{t!(i18n, profile.open_campaigns)}</h2>
            <Transition fallback=move || view! { <p class="loading">{t!(i18n, common.loading)}</p> }>
                {move || open.get().map(|r| list_view(
                    r,
                    || view! { <p class="muted">{t!(i18n, profile.no_open_campaigns)}</p> }.into_any(),
                    |list| view! {
                        <ol class="found-list">
                            {list.into_iter().map(|campaign| view! { <CampaignCard l=Listed { campaign, fit: None } /> }).collect_view()}
                        </ol>
                    }.into_any(),
                ))}
            </Transition>
        </section>
    }
}

#[component]
fn CampaignCard(l: Listed) -> impl IntoView {
    let i18n = use_i18n();
    let c = l.campaign;
    let facts = c.clone();
    let passed = l
        .fit
        .as_ref()
        .map(|checks| checks.iter().filter(|(_, ok)| *ok).count());
    view! {
        <li class="card found" data-testid="campaign">
            <div class="found-head">
                <div class="found-id">
                    <a href=format!("/campaigns/{}", c.id) class="found-name">{c.title.clone()}</a>
                    <a href=format!("/brands/{}", c.brand_slug) class="handle">{c.brand_name.clone()}</a>
                </div>
                {passed.map(|n| view! {
                    <span class=if n == 4 { "badge availability-open" } else { "badge availability-busy" }>{t!(i18n, campaigns.fits, n)}</span>
                })}
            </div>
            <Facts c=facts />
            {l.fit.map(|checks| view! {
                <details class="why">
                    <summary>{t!(i18n, market.why)}</summary>
                    <ul class="fit-checks">
                        {checks.into_iter().map(|(check, ok)| view! {
                            <li class=if ok { "fit-ok" } else { "fit-no" }>
                                <span aria-hidden="true">{if ok { "✓ " } else { "✗ " }}</span>
                                {check_label(i18n, check)}
                                <span class="visually-hidden">{if ok { ": yes" } else { ": no" }}</span>
                            </li>
                        }).collect_view()}
                    </ul>
                </details>
            })}
        </li>
    }
}

/// One campaign.
#[component]
pub fn CampaignPage() -> impl IntoView {
    let i18n = use_i18n();
    let auth = crate::ui::layout::use_auth();
    let params = use_params_map();
    let campaign = Resource::new(
        move || {
            params
                .read()
                .get("id")
                .and_then(|id| id.parse::<i64>().ok())
        },
        |id| async move {
            match id {
                Some(id) => get_campaign(id).await,
                None => Err(crate::error::AppError::NotFound),
            }
        },
    );
    view! {
        <Transition fallback=move || view! { <p class="loading">{t!(i18n, common.loading)}</p> }>
            {move || campaign.get().map(|r| match r {
                Ok(c) => { let facts = c.clone(); view! {
                    <Title text=c.title.clone() />
                    <article class="card campaign">
                        <p class="muted"><a href=format!("/brands/{}", c.brand_slug)>{c.brand_name.clone()}</a> " · " {state_label(i18n, c.state)}</p>
                        <h1>{c.title.clone()}</h1>
                        <p class="bio">{c.brief.clone()}</p>
                        <Facts c=facts />
                        {(!c.free_product.is_empty()).then(|| view! {
                            <p class="notice">{t!(i18n, campaigns.free_product)} " " {c.free_product.clone()}</p>
                        })}
                    </article>
                    {move || {
                        let creator = auth.user.get().and_then(|u| u.ok().flatten()).is_some_and(|u| u.role == crate::accounts::types::Role::Creator);
                        (creator && c.state == CampaignState::Published).then(|| view! { <crate::deals::pages::ApplyForm campaign=c.id /> })
                    }}
                }.into_any() },
                Err(crate::error::AppError::NotFound) => view! { <crate::site::NotFound /> }.into_any(),
                Err(error) => view! { <PageError error /> }.into_any(),
            })}
        </Transition>
    }
}

/// The brand's campaigns: write one, publish it, close it.
#[component]
pub fn BrandCampaignsPage() -> impl IntoView {
    let i18n = use_i18n();
    let create = ServerAction::<CreateCampaign>::new();
    let act = ServerAction::<ChangeCampaign>::new();
    let mine = Resource::new(
        move || (create.version().get(), act.version().get()),
        |_| my_campaigns(),
    );
    let errors = action_error(create);
    let act_errors = action_error(act);
    let created = move || matches!(create.value().get(), Some(Ok(_)));
    let label = move |key: fn(I18nContext<Locale>) -> String| Signal::derive(move || key(i18n));
    let niche_boxes = Niche::ALL.map(|niche| {
        view! {
            <label class="chip-check">
                <input type="checkbox" name="niches[]" value=niche.as_str() />
                <span>{niche_label(i18n, niche)}</span>
            </label>
        }
    });
    let deliverable_rows = Format::ALL.map(|format| {
        let (count, network): (&'static str, &'static str) = match format {
            Format::Post => ("count_post", "network_post"),
            Format::Story => ("count_story", "network_story"),
            Format::ShortVideo => ("count_short_video", "network_short_video"),
            Format::LiveMention => ("count_live_mention", "network_live_mention"),
        };
        view! {
            <div class="deliverable-row">
                <Field name=count kind="number" label=Signal::derive(move || format_name(i18n, format)) errors inputmode="numeric" />
                <div class="field">
                    <label for=format!("field-{network}")>{t!(i18n, market.network)}</label>
                    <select id=format!("field-{network}") name=network>
                        {Network::ALL.map(|n| view! { <option value=n.as_str()>{n.label()}</option> })}
                    </select>
                    <FieldProblem errors name=network />
                </div>
            </div>
        }
    });
    view! {
        <Title text=move || t_string!(i18n, campaigns.mine).to_string() />
        <div class="settings">
            <h1>{t!(i18n, campaigns.mine)}</h1>
            <Transition fallback=move || view! { <p class="loading">{t!(i18n, common.loading)}</p> }>
                {move || mine.get().map(|r| list_view(
                    r,
                    || view! { <p class="muted">{t!(i18n, campaigns.none_yet)}</p> }.into_any(),
                    |list| view! {
                        <ul class="found-list" data-testid="my-campaigns">
                            {list.into_iter().map(|c| {
                                let id = c.id.to_string();
                                let facts = c.clone();
                                view! {
                                    <li class="card found">
                                        <div class="found-head">
                                            <a href=format!("/campaigns/{}", c.id) class="found-name">{c.title.clone()}</a>
                                            <span class=format!("badge campaign-{}", c.state.as_str())>{state_label(i18n, c.state)}</span>
                                            {(c.state == CampaignState::Draft).then(|| { let id = id.clone(); view! {
                                                <ActionForm action=act>
                                                    <input type="hidden" name="id" value=id />
                                                    <input type="hidden" name="action" value="publish" />
                                                    <button type="submit" class="btn btn-primary">{t!(i18n, campaigns.publish)}</button>
                                                </ActionForm>
                                            }})}
                                            {(c.state != CampaignState::Closed).then(|| view! {
                                                <ActionForm action=act>
                                                    <input type="hidden" name="id" value=id.clone() />
                                                    <input type="hidden" name="action" value="close" />
                                                    <button type="submit" class="btn btn-ghost">{t!(i18n, campaigns.close)}</button>
                                                </ActionForm>
                                            })}
                                        </div>
                                        <Facts c=facts />
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    }.into_any(),
                ))}
            </Transition>
            <FormError errors=act_errors fields=&[] />
            <section class="card settings-section">
                <h2>{t!(i18n, campaigns.new)}</h2>
                <ActionForm action=create attr:class="form">
                    <Field name="title" label=label(|i| t_string!(i, campaigns.field_title).to_string()) errors required=true />
                    <TextArea name="brief" label=label(|i| t_string!(i, campaigns.brief).to_string()) errors maxlength=2000 required=true />
                    <fieldset>
                        <legend>{t!(i18n, campaigns.deliverables)}</legend>
                        <p class="field-hint">{t!(i18n, campaigns.deliverables_hint)}</p>
                        <div class="form-grid">{deliverable_rows}</div>
                    </fieldset>
                    <fieldset class="chips">
                        <legend>{t!(i18n, fields.niches)}</legend>
                        {niche_boxes}
                    </fieldset>
                    <div class="form-grid">
                        <Field name="min_audience" label=label(|i| t_string!(i, campaigns.min_audience).to_string()) errors value="0" inputmode="numeric" />
                        <Field name="max_audience" label=label(|i| t_string!(i, campaigns.max_audience).to_string()) errors inputmode="numeric" />
                        <Field name="budget" label=label(|i| t_string!(i, campaigns.budget).to_string()) errors inputmode="decimal" prefix="€" required=true />
                        <Field name="creators_wanted" kind="number" label=label(|i| t_string!(i, campaigns.creators_wanted).to_string()) errors value="1" required=true />
                        <Field name="starts_on" kind="date" label=label(|i| t_string!(i, campaigns.starts_on).to_string()) errors required=true />
                        <Field name="ends_on" kind="date" label=label(|i| t_string!(i, campaigns.ends_on).to_string()) errors required=true />
                    </div>
                    <Field name="free_product" label=label(|i| t_string!(i, campaigns.free_product_field).to_string()) errors />
                    <FormError errors fields=&["title", "brief", "min_audience", "max_audience", "budget", "creators_wanted", "starts_on", "ends_on", "free_product", "count_post", "count_story", "count_short_video", "count_live_mention", "network_post", "network_story", "network_short_video", "network_live_mention"] />
                    <div class="form-actions">
                        <button type="submit" class="btn btn-primary" disabled=move || create.pending().get()>{t!(i18n, campaigns.save_draft)}</button>
                        <Show when=created><span class="saved" role="status">{t!(i18n, campaigns.saved)}</span></Show>
                    </div>
                </ActionForm>
            </section>
        </div>
    }
}
