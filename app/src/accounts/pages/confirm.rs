use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::accounts::api::confirm_email;
use crate::i18n::*;
use crate::ui::form::PageError;

/// Confirms the account's address from the link mailed to it, on opening: the link proves only
/// that its reader gets the account's mail, which a scanner opening it first proves as well.
#[component]
pub fn ConfirmEmailPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let confirmed = Resource::new(
        move || params.read().get("token").unwrap_or_default(),
        confirm_email,
    );
    view! {
        <Title text=move || t_string!(i18n, confirm.title).to_string() />
        <section class="auth-card">
            <h1>{t!(i18n, confirm.title)}</h1>
            <Suspense fallback=move || view! { <p class="loading">{t!(i18n, confirm.checking)}</p> }>
                {move || confirmed.get().map(|answer| match answer {
                    Ok(email) => view! {
                        <p class="notice notice-success email-address" role="status" data-testid="email-confirmed">{t!(i18n, confirm.done, email)}</p>
                        <p class="auth-switch"><a href="/settings">{t!(i18n, confirm.to_settings)}</a></p>
                    }.into_any(),
                    Err(error) => view! {
                        <PageError error />
                        <p class="auth-switch"><a href="/settings#email">{t!(i18n, settings.email_resend_here)}</a></p>
                    }.into_any(),
                })}
            </Suspense>
        </section>
    }
}
