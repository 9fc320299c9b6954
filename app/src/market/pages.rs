//! Marketplace pages: creator search for brands (`/creators`), the marketplace profile editor
//! (`/settings/marketplace`) and the marketplace card on `/@handle`.

use leptos::prelude::*;
use leptos_i18n::I18nContext;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::api::{get_market_profile, get_market_settings, search_creators, SaveMarketProfile};
use super::types::*;
use crate::accounts::types::{Network, Niche};
use crate::i18n::*;
use crate::site::niche_label;
use crate::ui::avatar::Avatar;
use crate::ui::compact_number;
use crate::ui::form::{action_error, Field, FieldProblem, FormError, PageError};
use crate::ui::money::{format_amount_input, format_money};

/// A content format's name in the reader's language, for text and for field labels alike.
pub fn format_name(i18n: I18nContext<Locale>, format: Format) -> String {
    match format {
        Format::Post => t_string!(i18n, market.format_post),
        Format::Story => t_string!(i18n, market.format_story),
        Format::ShortVideo => t_string!(i18n, market.format_short_video),
        Format::LiveMention => t_string!(i18n, market.format_live_mention),
    }
    .to_string()
}

fn availability_label(i18n: I18nContext<Locale>, a: Availability) -> AnyView {
    match a {
        Availability::Open => t!(i18n, market.open).into_any(),
        Availability::Busy => t!(i18n, market.busy).into_any(),
        Availability::Away => t!(i18n, market.away).into_any(),
    }
}

fn factor_label(i18n: I18nContext<Locale>, f: Factor) -> AnyView {
    match f {
        Factor::Fit => t!(i18n, market.factor_fit).into_any(),
        Factor::Engagement => t!(i18n, market.factor_engagement).into_any(),
        Factor::Responsiveness => t!(i18n, market.factor_responsiveness).into_any(),
        Factor::Ratings => t!(i18n, market.factor_ratings).into_any(),
        Factor::Reach => t!(i18n, market.factor_reach).into_any(),
    }
}

/// The name of a country of [`COUNTRIES`] in the reader's language.
fn country_name(i18n: I18nContext<Locale>, code: &str) -> String {
    match code {
        "FR" => t_string!(i18n, countries.code_fr).to_string(),
        "BE" => t_string!(i18n, countries.code_be).to_string(),
        "CH" => t_string!(i18n, countries.code_ch).to_string(),
        "CA" => t_string!(i18n, countries.code_ca).to_string(),
        "GB" => t_string!(i18n, countries.code_gb).to_string(),
        "US" => t_string!(i18n, countries.code_us).to_string(),
        "DE" => t_string!(i18n, countries.code_de).to_string(),
        "ES" => t_string!(i18n, countries.code_es).to_string(),
        "IT" => t_string!(i18n, countries.code_it).to_string(),
        "PT" => t_string!(i18n, countries.code_pt).to_string(),
        "NL" => t_string!(i18n, countries.code_nl).to_string(),
        "MA" => t_string!(i18n, countries.code_ma).to_string(),
        "SN" => t_string!(i18n, countries.code_sn).to_string(),
        "BR" => t_string!(i18n, countries.code_br).to_string(),
        "JP" => t_string!(i18n, countries.code_jp).to_string(),
        "IN" => t_string!(i18n, countries.code_in).to_string(),
        other => other.to_owned(),
    }
}

/// `3.45 %` (`3,45 %` in French).
fn percent(bp: u32, locale: Locale) -> String {
    let text = format!("{}.{:02}", bp / 100, bp % 100);
    match locale {
        Locale::en => format!("{text}%"),
        Locale::fr => format!("{} %", text.replace('.', ",")),
    }
}

/// Brands search listed creators; every result says why it is there.
#[component]
pub fn CreatorSearchPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let form = move || {
        query.with(|q| {
            let get = |k: &str| q.get(k).unwrap_or_default();
            SearchForm {
                niche: get("niche"),
                network: get("network"),
                language: get("language"),
                country: get("country"),
                min_followers: get("min_followers"),
                max_followers: get("max_followers"),
                min_engagement: get("min_engagement"),
                max_price: get("max_price"),
                page: get("page"),
            }
        })
    };
    let results = Resource::new(form, search_creators);
    let errors = Signal::derive(move || results.get().and_then(Result::err));
    let f = form();
    let selected = |current: &str, value: &str| current == value;
    view! {
        <Title text=move || t_string!(i18n, market.search_title).to_string() />
        <header class="page-head">
            <h1>{t!(i18n, market.search_title)}</h1>
            <p class="muted">{t!(i18n, market.search_lede)}</p>
        </header>
        <div class="search-layout">
            <form method="get" action="/creators" class="card form search-filters" aria-label=move || t_string!(i18n, market.filters).to_string()>
                <div class="field">
                    <label for="field-niche">{t!(i18n, market.niche)}</label>
                    <select id="field-niche" name="niche">
                        <option value="">{t!(i18n, market.any)}</option>
                        {Niche::ALL.map(|n| view! { <option value=n.as_str() selected=selected(&f.niche, n.as_str())>{niche_label(i18n, n)}</option> })}
                    </select>
                </div>
                <div class="field">
                    <label for="field-network">{t!(i18n, market.network)}</label>
                    <select id="field-network" name="network">
                        <option value="">{t!(i18n, market.any)}</option>
                        {Network::ALL.map(|n| view! { <option value=n.as_str() selected=selected(&f.network, n.as_str())>{n.label()}</option> })}
                    </select>
                </div>
                <div class="field">
                    <label for="field-language">{t!(i18n, market.language)}</label>
                    <select id="field-language" name="language">
                        <option value="">{t!(i18n, market.any)}</option>
                        {LANGUAGES.map(|(code, name)| view! { <option value=code selected=selected(&f.language, code)>{name}</option> })}
                    </select>
                </div>
                <div class="field">
                    <label for="field-country">{t!(i18n, market.country)}</label>
                    <select id="field-country" name="country">
                        <option value="">{t!(i18n, market.any)}</option>
                        {COUNTRIES.map(|code| view! { <option value=code selected=selected(&f.country, code)>{move || country_name(i18n, code)}</option> })}
                    </select>
                </div>
                <div class="form-grid">
                    <Field name="min_followers" label=Signal::derive(move || t_string!(i18n, market.min_followers).to_string()) errors value=f.min_followers.clone() inputmode="numeric" />
                    <Field name="max_followers" label=Signal::derive(move || t_string!(i18n, market.max_followers).to_string()) errors value=f.max_followers.clone() inputmode="numeric" />
                </div>
                <Field name="min_engagement" label=Signal::derive(move || t_string!(i18n, market.min_engagement).to_string()) errors value=f.min_engagement.clone() inputmode="decimal" />
                <Field name="max_price" label=Signal::derive(move || t_string!(i18n, market.max_price).to_string()) errors value=f.max_price.clone() inputmode="decimal" prefix="€" />
                // A refused choice in a list can only come from an edited URL: the banner says so.
                <FormError errors fields=&["min_followers", "max_followers", "min_engagement", "max_price"] />
                <div class="form-actions">
                    <button type="submit" class="btn btn-primary">{t!(i18n, market.search)}</button>
                    <a href="/creators" class="btn btn-ghost">{t!(i18n, market.reset)}</a>
                </div>
            </form>
            <section class="search-results" aria-live="polite">
                <Transition fallback=move || view! { <p class="loading">{t!(i18n, common.loading)}</p> }>
                    {move || results.get().and_then(Result::ok).map(|page| view! { <Results page form=form() /> })}
                </Transition>
            </section>
        </div>
    }
}

#[component]
fn Results(page: SearchPage, form: SearchForm) -> impl IntoView {
    let i18n = use_i18n();
    if page.creators.is_empty() {
        return view! { <p class="empty card">{t!(i18n, market.no_match)}</p> }.into_any();
    }
    let total = page.total;
    let link = move |to: usize| {
        let pairs = [
            ("niche", &form.niche),
            ("network", &form.network),
            ("language", &form.language),
            ("country", &form.country),
            ("min_followers", &form.min_followers),
            ("max_followers", &form.max_followers),
            ("min_engagement", &form.min_engagement),
            ("max_price", &form.max_price),
        ];
        let mut query = form_urlencoded::Serializer::new(String::new());
        for (key, value) in pairs.iter().filter(|(_, v)| !v.is_empty()) {
            query.append_pair(key, value);
        }
        query.append_pair("page", &to.to_string());
        format!("/creators?{}", query.finish())
    };
    let (current, pages) = (page.page, page.pages);
    view! {
        <p class="muted small" data-testid="result-count">{t!(i18n, market.results, count = move || total as u64)}</p>
        {(page.ranked < total).then(|| view! { <p class="muted small" data-testid="ranked-only">{t!(i18n, market.ranked_only, ranked = page.ranked)}</p> })}
        <ol class="found-list">
            {page.creators.into_iter().map(|c| view! { <FoundCard c /> }).collect_view()}
        </ol>
        <nav class="pager" aria-label=move || t_string!(i18n, market.pages).to_string()>
            {(current > 1).then(|| view! { <a href=link(current - 1) class="btn btn-ghost" rel="prev">{t!(i18n, market.previous)}</a> })}
            <span class="muted">{t!(i18n, market.page_of, current, pages)}</span>
            {(current < pages).then(|| view! { <a href=link(current + 1) class="btn btn-ghost" rel="next">{t!(i18n, market.next)}</a> })}
        </nav>
    }
    .into_any()
}

#[component]
fn FoundCard(c: Found) -> impl IntoView {
    let i18n = use_i18n();
    let (audience, engagement, rising) = (c.audience, c.engagement_bp, c.rising);
    let from_price = c.from_price;
    let why = c.why.clone();
    let score = why.score;
    view! {
        <li class="card found" data-testid="found">
            <div class="found-head">
                <Avatar name=c.display_name.clone() url=c.avatar_url.clone() size="md" />
                <div class="found-id">
                    <a href=format!("/@{}", c.handle) class="found-name">{c.display_name.clone()}</a>
                    <span class="handle">"@"{c.handle.clone()}</span>
                </div>
                <Show when=move || rising><span class="badge badge-rising">{t!(i18n, home.rising)}</span></Show>
                <span class=format!("badge availability-{}", c.availability.as_str())>{availability_label(i18n, c.availability)}</span>
            </div>
            <ul class="chips">
                {c.niches.iter().map(|n| view! { <li class="chip">{niche_label(i18n, *n)}</li> }).collect_view()}
            </ul>
            <dl class="found-facts">
                <div><dt>{t!(i18n, market.audience)}</dt><dd>{move || compact_number(audience, i18n.get_locale())}</dd></div>
                <div><dt>{t!(i18n, market.engagement)}</dt><dd>{move || percent(engagement, i18n.get_locale())}</dd></div>
                <div><dt>{t!(i18n, market.audience_from)}</dt><dd>{language_name(&c.language).to_owned()} " · " {move || country_name(i18n, &c.country)}</dd></div>
                <div><dt>{t!(i18n, market.from_price)}</dt><dd>{move || from_price.map_or_else(|| "—".to_owned(), |p| format_money(p, i18n.get_locale()))}</dd></div>
            </dl>
            <details class="why">
                <summary>{t!(i18n, market.why)}</summary>
                <p class="small">{t!(i18n, market.why_score, score)}</p>
                {why.by_quota.then(|| view! { <p class="small notice">{t!(i18n, market.why_quota)}</p> })}
                <table class="why-factors">
                    <thead><tr><th>{t!(i18n, market.factor)}</th><th>{t!(i18n, market.weight)}</th><th>{t!(i18n, market.value)}</th></tr></thead>
                    <tbody>
                        {why.factors.into_iter().map(|f| view! {
                            <tr>
                                <td>{factor_label(i18n, f.factor)}</td>
                                <td>{f.weight}" %"</td>
                                <td><meter min="0" max="100" value=f.value></meter>" "{f.value}"/100"</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
                <p class="small muted">{t!(i18n, market.why_note)}</p>
            </details>
        </li>
    }
}

/// The marketplace card of `/@handle`, if the creator saved a marketplace profile.
#[component]
pub fn MarketCard(handle: String) -> impl IntoView {
    let i18n = use_i18n();
    let profile = Resource::new(move || handle.clone(), get_market_profile);
    view! {
        <Transition fallback=|| ()>
            {move || profile.get().and_then(Result::ok).flatten().map(|m| view! {
                <section class="card market-card">
                    <h2>{t!(i18n, market.for_brands)}</h2>
                    <p><span class=format!("badge availability-{}", m.availability.as_str())>{availability_label(i18n, m.availability)}</span></p>
                    <dl class="rate-card">
                        <div><dt>{t!(i18n, market.audience_from)}</dt><dd>{language_name(&m.language).to_owned()} " · " {move || country_name(i18n, &m.country)}</dd></div>
                        {m.reach.into_iter().map(|r| view! {
                            <div><dt>{t!(i18n, market.engagement)} " · " {r.network.label()}</dt><dd>{move || percent(r.engagement_bp, i18n.get_locale())}</dd></div>
                        }).collect_view()}
                    </dl>
                    {(!m.rates.is_empty()).then(|| view! {
                        <h3>{t!(i18n, market.rate_card)}</h3>
                        <dl class="rate-card">
                            {m.rates.into_iter().map(|(format, price)| view! {
                                <div><dt>{move || format_name(i18n, format)}</dt><dd>{move || format_money(price, i18n.get_locale())}</dd></div>
                            }).collect_view()}
                        </dl>
                    })}
                </section>
            })}
        </Transition>
    }
}

/// A creator's marketplace profile editor.
#[component]
pub fn MarketSettingsPage() -> impl IntoView {
    let i18n = use_i18n();
    let save = ServerAction::<SaveMarketProfile>::new();
    let settings = Resource::new(move || save.version().get(), |_| get_market_settings());
    view! {
        <Title text=move || t_string!(i18n, market.settings_title).to_string() />
        <div class="settings">
            <h1>{t!(i18n, market.settings_title)}</h1>
            <p class="muted">{t!(i18n, market.settings_lede)}</p>
            <Transition fallback=move || view! { <p class="loading">{t!(i18n, common.loading)}</p> }>
                {move || settings.get().map(|s| match s {
                    Ok(s) => view! { <MarketForm s save /> }.into_any(),
                    Err(error) => view! { <PageError error /> }.into_any(),
                })}
            </Transition>
        </div>
    }
}

#[component]
fn MarketForm(s: MarketSettings, save: ServerAction<SaveMarketProfile>) -> impl IntoView {
    let i18n = use_i18n();
    let errors = action_error(save);
    let saved = move || matches!(save.value().get(), Some(Ok(())));
    let profile = s.profile.clone();
    let language = profile
        .as_ref()
        .map(|p| p.language.clone())
        .unwrap_or_default();
    let country = profile
        .as_ref()
        .map(|p| p.country.clone())
        .unwrap_or_default();
    let availability = profile
        .as_ref()
        .map_or(Availability::Open, |p| p.availability);
    let rate = |format: Format| {
        profile
            .as_ref()
            .and_then(|p| p.rates.iter().find(|(f, _)| *f == format))
            .map(|(_, price)| format_amount_input(*price, i18n.get_locale_untracked()))
            .unwrap_or_default()
    };
    let rate_fields = Format::ALL.map(|format| {
        let name: &'static str = match format {
            Format::Post => "rate_post",
            Format::Story => "rate_story",
            Format::ShortVideo => "rate_short_video",
            Format::LiveMention => "rate_live_mention",
        };
        let label = Signal::derive(move || format_name(i18n, format));
        view! { <Field name label errors value=rate(format) inputmode="decimal" prefix="€" /> }
    });
    let engagement_fields = s
        .reach
        .iter()
        .map(|r| {
            let name: &'static str = match r.network {
                Network::Instagram => "engagement_instagram",
                Network::Tiktok => "engagement_tiktok",
                Network::Youtube => "engagement_youtube",
                Network::Twitch => "engagement_twitch",
                Network::X => "engagement_x",
            };
            let network = r.network;
            let value = if r.engagement_bp == 0 {
                String::new()
            } else {
                format!("{}", f64::from(r.engagement_bp) / 100.0)
            };
            view! { <Field name label=Signal::derive(move || network.label().to_owned()) errors value inputmode="decimal" /> }
        })
        .collect_view();
    let no_networks = s.reach.is_empty();
    view! {
        <section class="card settings-section">
            <ActionForm action=save attr:class="form">
                <div class="form-grid">
                    <div class="field">
                        <label for="field-language">{t!(i18n, market.language)}</label>
                        <select id="field-language" name="language" required>
                            <option value="">"—"</option>
                            {LANGUAGES.map(|(code, name)| view! { <option value=code selected=language == code>{name}</option> })}
                        </select>
                        <FieldProblem errors name="language" />
                    </div>
                    <div class="field">
                        <label for="field-country">{t!(i18n, market.country)}</label>
                        <select id="field-country" name="country" required>
                            <option value="">"—"</option>
                            {COUNTRIES.map(|code| view! { <option value=code selected=country == code>{move || country_name(i18n, code)}</option> })}
                        </select>
                        <FieldProblem errors name="country" />
                    </div>
                </div>
                <fieldset>
                    <legend>{t!(i18n, market.availability)}</legend>
                    {Availability::ALL.map(|a| view! {
                        <label class="radio">
                            <input type="radio" name="availability" value=a.as_str() checked=a == availability />
                            {availability_label(i18n, a)}
                        </label>
                    })}
                </fieldset>
                <fieldset>
                    <legend>{t!(i18n, market.rate_card)}</legend>
                    <p class="field-hint">{t!(i18n, market.rate_hint)}</p>
                    <div class="form-grid">{rate_fields}</div>
                </fieldset>
                <fieldset>
                    <legend>{t!(i18n, market.engagement)}</legend>
                    {if no_networks {
                        view! { <p class="field-hint">{t!(i18n, market.no_networks)} " " <a href="/settings">{t!(i18n, nav.settings)}</a></p> }.into_any()
                    } else {
                        view! { <p class="field-hint">{t!(i18n, market.engagement_hint)}</p><div class="form-grid form-grid-3">{engagement_fields}</div> }.into_any()
                    }}
                </fieldset>
                <FormError errors fields=&["language", "country", "availability", "rate_post", "rate_story", "rate_short_video", "rate_live_mention", "engagement_instagram", "engagement_tiktok", "engagement_youtube", "engagement_twitch", "engagement_x"] />
                <div class="form-actions">
                    <button type="submit" class="btn btn-primary" disabled=move || save.pending().get()>{t!(i18n, common.save)}</button>
                    <Show when=saved><span class="saved" role="status">{t!(i18n, common.saved)}</span></Show>
                </div>
            </ActionForm>
        </section>
    }
}
