//! Form pieces: labelled fields that show their own error, and the banner for errors that
//! belong to no field. Messages are translated here, from the typed `AppError`.

use leptos::prelude::*;

use crate::error::{AppError, Problem};
use leptos_i18n::I18nContext;

use crate::i18n::*;
use crate::ledger::types::Money;
use crate::ui::flash::form_flash;
use crate::ui::money::format_money;
use crate::ui::raw_text::raw_text;

/// The sentence for `problem` in the reader's language.
pub fn problem_text(i18n: I18nContext<Locale>, problem: Problem) -> AnyView {
    match problem {
        Problem::Required => t!(i18n, problems.required).into_any(),
        Problem::TooShort { min } => t!(i18n, problems.too_short, min).into_any(),
        Problem::TooLong { max } => t!(i18n, problems.too_long, max).into_any(),
        Problem::InvalidEmail => t!(i18n, problems.invalid_email).into_any(),
        Problem::InvalidHandle => t!(i18n, problems.invalid_handle).into_any(),
        Problem::InvalidSlug => t!(i18n, problems.invalid_slug).into_any(),
        Problem::InvalidNumber => t!(i18n, problems.invalid_number).into_any(),
        Problem::InvalidUrl => t!(i18n, problems.invalid_url).into_any(),
        Problem::WeakPassword => t!(i18n, problems.weak_password).into_any(),
        Problem::PasswordsDiffer => t!(i18n, problems.passwords_differ).into_any(),
        Problem::EmailTaken => t!(i18n, problems.email_taken).into_any(),
        Problem::HandleTaken => t!(i18n, problems.handle_taken).into_any(),
        Problem::SlugTaken => t!(i18n, problems.slug_taken).into_any(),
        Problem::WrongCredentials => t!(i18n, problems.wrong_credentials).into_any(),
        Problem::WrongPassword => t!(i18n, problems.wrong_password).into_any(),
        Problem::TooLarge { max_kib } => {
            let max_mib = max_kib / 1024;
            t!(i18n, problems.too_large, max_mib).into_any()
        }
        Problem::NotAnImage => t!(i18n, problems.not_an_image).into_any(),
        Problem::TooManyPixels { max_megapixels } => {
            t!(i18n, problems.too_many_pixels, max_megapixels).into_any()
        }
        Problem::LinkExpired => t!(i18n, problems.link_expired).into_any(),
        Problem::AccountBusy => view! {
            {t!(i18n, problems.account_busy)} " "
            <a href="/login/link">{t!(i18n, login.link_offer)}</a>
        }
        .into_any(),
        Problem::EmailUnconfirmed => view! {
            {t!(i18n, problems.email_unconfirmed)} " "
            <a href="/settings#email">{t!(i18n, settings.email_resend_here)}</a>
        }
        .into_any(),
        Problem::Malformed => t!(i18n, problems.malformed).into_any(),
        Problem::InvalidAmount => t!(i18n, problems.invalid_amount).into_any(),
        Problem::AmountTooSmall { min_minor } => {
            let min = move || format_money(Money::eur(min_minor), i18n.get_locale());
            t!(i18n, problems.amount_too_small, min).into_any()
        }
        Problem::AmountTooLarge { max_minor } => {
            let max = move || format_money(Money::eur(max_minor), i18n.get_locale());
            t!(i18n, problems.amount_too_large, max).into_any()
        }
        Problem::InsufficientFunds => t!(i18n, problems.insufficient_funds).into_any(),
        Problem::InvalidIban => t!(i18n, problems.invalid_iban).into_any(),
        Problem::InvalidDate => t!(i18n, problems.invalid_date).into_any(),
        Problem::DatesReversed => t!(i18n, problems.dates_reversed).into_any(),
        Problem::RangeReversed => t!(i18n, problems.range_reversed).into_any(),
        Problem::InvalidPercentage => t!(i18n, problems.invalid_percentage).into_any(),
        Problem::InPast => t!(i18n, problems.in_past).into_any(),
        Problem::CutoffPassed => t!(i18n, problems.cutoff_passed).into_any(),
        Problem::SkippedTime => t!(i18n, problems.skipped_time).into_any(),
        Problem::NoDeliverable => t!(i18n, problems.no_deliverable).into_any(),
        Problem::NoStars => t!(i18n, problems.no_stars).into_any(),
        Problem::PercentageTooHigh { max_bp } => {
            let max = max_bp / 100;
            t!(i18n, problems.percentage_too_high, max).into_any()
        }
        Problem::InvalidStock => t!(i18n, problems.invalid_stock).into_any(),
        Problem::Duplicate => t!(i18n, problems.duplicate).into_any(),
        Problem::TooMany { max } => t!(i18n, problems.too_many, max).into_any(),
        Problem::NotEnoughStock { left } => t!(i18n, problems.not_enough_stock, left).into_any(),
        Problem::SoldOut => t!(i18n, problems.sold_out).into_any(),
        Problem::PriceChanged => t!(i18n, problems.price_changed).into_any(),
        Problem::BlockedWord => t!(i18n, problems.blocked_word).into_any(),
        Problem::SlowMode { wait_secs } => t!(i18n, problems.slow_mode, wait_secs).into_any(),
        Problem::Muted { until: None } => t!(i18n, problems.banned).into_any(),
        Problem::Muted { until: Some(until) } => {
            let until = move || {
                format!(
                    "{} ({})",
                    crate::ui::date::format_date_time(until, i18n.get_locale()),
                    crate::ui::zone::zone_label()
                )
            };
            t!(i18n, problems.timed_out, until).into_any()
        }
        Problem::NotOffered => t!(i18n, problems.not_offered).into_any(),
        Problem::OwnProduct => t!(i18n, problems.own_product).into_any(),
    }
}

/// What a page shows instead of its content when loading it failed: a way to log in when that
/// is the problem, the error's sentence otherwise.
#[component]
pub fn PageError(error: AppError) -> impl IntoView {
    let i18n = use_i18n();
    match error {
        AppError::Unauthenticated => view! {
            <p class="notice">{t!(i18n, errors.unauthenticated)} " " <a href="/login">{t!(i18n, nav.login)}</a></p>
        }
        .into_any(),
        error => view! { <p class="form-error" role="alert">{error_text(i18n, &error)}</p> }.into_any(),
    }
}

/// A list a page fetched: its error, `empty` when there is nothing in it, or `items`.
pub fn list_view<T>(
    loaded: Result<Vec<T>, AppError>,
    empty: impl FnOnce() -> AnyView,
    items: impl FnOnce(Vec<T>) -> AnyView,
) -> AnyView {
    match loaded {
        Err(error) => view! { <PageError error /> }.into_any(),
        Ok(list) if list.is_empty() => empty(),
        Ok(list) => items(list),
    }
}

/// The sentence for an error that belongs to no field.
pub fn error_text(i18n: I18nContext<Locale>, error: &AppError) -> AnyView {
    match error {
        AppError::Unauthenticated => t!(i18n, errors.unauthenticated).into_any(),
        AppError::Forbidden => t!(i18n, errors.forbidden).into_any(),
        AppError::NotFound => t!(i18n, errors.not_found).into_any(),
        AppError::Conflict(_) => t!(i18n, errors.conflict).into_any(),
        AppError::Invalid { problem, .. } => problem_text(i18n, *problem),
        AppError::RateLimited { retry_after_secs } => {
            let minutes = retry_after_secs.div_ceil(60);
            t!(i18n, errors.rate_limited, minutes).into_any()
        }
        AppError::Payment(_) => t!(i18n, errors.payment).into_any(),
        AppError::Internal { request_id } => {
            let id = request_id.clone();
            t!(i18n, errors.internal, id).into_any()
        }
    }
}

/// The latest error of an action, for its form's fields. Before the action has run in this
/// page, it is the error a form post without JavaScript brought back (see [`form_flash`]).
pub fn action_error<I, O>(action: ServerAction<I>) -> Signal<Option<AppError>>
where
    I: server_fn::ServerFn<Output = O, Error = AppError> + Clone + Send + Sync + 'static,
    O: Clone + Send + Sync + 'static,
{
    let flashed = form_flash()
        .filter(|flash| flash.form == I::PATH)
        .map(|flash| flash.error);
    Signal::derive(move || {
        if action.version().get() > 0 {
            return action.value().get().and_then(Result::err);
        }
        flashed.clone()
    })
}

/// What was typed in `name` before a post without JavaScript was refused, when the page was
/// given no value of its own.
fn typed_back(name: &str, value: String) -> String {
    if !value.is_empty() {
        return value;
    }
    form_flash()
        .and_then(|flash| flash.value(name).map(str::to_owned))
        .unwrap_or_default()
}

/// A labelled input whose error, if `errors` is about `name`, shows right under it.
#[component]
pub fn Field(
    name: &'static str,
    #[prop(into)] label: Signal<String>,
    errors: Signal<Option<AppError>>,
    #[prop(default = "text")] kind: &'static str,
    #[prop(optional, into)] value: String,
    #[prop(optional, into)] hint: Option<Signal<String>>,
    #[prop(optional)] autocomplete: Option<&'static str>,
    /// The keyboard a phone shows, for text fields that hold numbers or addresses.
    #[prop(optional)]
    inputmode: Option<&'static str>,
    #[prop(optional)] required: bool,
    #[prop(optional)] prefix: Option<&'static str>,
    /// Its id when the page has two fields of the same name (one form per product, say).
    #[prop(optional, into)]
    id: Option<String>,
) -> impl IntoView {
    let i18n = use_i18n();
    let value = if kind == "password" {
        value
    } else {
        typed_back(name, value)
    };
    let id = id.unwrap_or_else(|| format!("field-{name}"));
    let error_id = format!("{id}-error");
    let problem = move || errors.get().and_then(|e| e.problem_for(name));
    let invalid = move || problem().is_some();
    let input = view! {
        <input
            id=id.clone()
            name=name
            type=kind
            value=value
            autocomplete=autocomplete
            inputmode=inputmode
            required=required
            aria-invalid=move || invalid().then_some("true")
            aria-describedby=error_id.clone()
        />
    };
    view! {
        <div class="field" class:field-invalid=invalid>
            <label for=id>{label}</label>
            {match prefix {
                Some(p) => view! { <div class="input-prefixed"><span>{p}</span>{input}</div> }.into_any(),
                None => input.into_any(),
            }}
            {hint.map(|h| view! { <p class="field-hint">{h}</p> })}
            <p class="field-error" id=error_id role="alert">
                {move || problem().map(|p| problem_text(i18n, p))}
            </p>
        </div>
    }
}

/// A labelled text area that, like [`Field`], keeps what was typed after a failed post without
/// JavaScript and shows its error right under it.
#[component]
pub fn TextArea(
    name: &'static str,
    #[prop(into)] label: Signal<String>,
    errors: Signal<Option<AppError>>,
    maxlength: u32,
    #[prop(default = 3)] rows: u32,
    #[prop(optional, into)] value: String,
    #[prop(optional)] required: bool,
    /// Its id when the page has two text areas of the same name.
    #[prop(optional, into)]
    id: Option<String>,
) -> impl IntoView {
    let i18n = use_i18n();
    let value = raw_text(typed_back(name, value));
    let id = id.unwrap_or_else(|| format!("field-{name}"));
    let error_id = format!("{id}-error");
    let problem = move || errors.get().and_then(|e| e.problem_for(name));
    let invalid = move || problem().is_some();
    view! {
        <div class="field" class:field-invalid=invalid>
            <label for=id.clone()>{label}</label>
            <textarea
                id=id
                name=name
                rows=rows
                maxlength=maxlength
                required=required
                aria-invalid=move || invalid().then_some("true")
                aria-describedby=error_id.clone()
            >{value}</textarea>
            <p class="field-error" id=error_id role="alert">
                {move || problem().map(|p| problem_text(i18n, p))}
            </p>
        </div>
    }
}

/// The error line under a field that is not a [`Field`] (a list, a text area).
#[component]
pub fn FieldProblem(errors: Signal<Option<AppError>>, name: &'static str) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <p class="field-error" id=format!("field-{name}-error") role="alert">
            {move || errors.get().and_then(|e| e.problem_for(name)).map(|p| problem_text(i18n, p))}
        </p>
    }
}

/// A banner for the errors of a form that no single field owns.
#[component]
pub fn FormError(
    errors: Signal<Option<AppError>>,
    fields: &'static [&'static str],
) -> impl IntoView {
    let i18n = use_i18n();
    let unowned = move || {
        errors.get().filter(
            |e| !matches!(e, AppError::Invalid { field, .. } if fields.contains(&field.as_str())),
        )
    };
    move || {
        unowned()
            .map(|e| view! { <div class="form-error" role="alert">{error_text(i18n, &e)}</div> })
    }
}
