use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::accounts::api::{RequestReset, ResetPassword};
use crate::i18n::*;
use crate::ui::form::{action_error, Field, FormError};
use crate::ui::layout::use_auth;

/// Asks for a reset link. The confirmation is the same whether or not the address exists.
#[component]
pub fn ForgotPage() -> impl IntoView {
    let i18n = use_i18n();
    let request = ServerAction::<RequestReset>::new();
    let errors = action_error(request);
    // The server sends the form to `?sent`, which without JavaScript is how the page learns.
    let query = use_query_map();
    let sent =
        move || matches!(request.value().get(), Some(Ok(()))) || query.read().get("sent").is_some();
    view! {
        <Title text=move || t_string!(i18n, reset.forgot_title).to_string() />
        <section class="auth-card">
            <h1>{t!(i18n, reset.forgot_title)}</h1>
            <Show
                when=sent
                fallback=move || view! {
                    <p class="lede">{t!(i18n, reset.forgot_lede)}</p>
                    <ActionForm action=request attr:class="form">
                        <Field name="email" kind="email" label=Signal::derive(move || t_string!(i18n, fields.email).to_string()) errors autocomplete="email" required=true />
                        <FormError errors fields=&["email"] />
                        <button type="submit" class="btn btn-primary btn-block">{t!(i18n, reset.send)}</button>
                    </ActionForm>
                }
            >
                <p class="notice notice-success" role="status">{t!(i18n, reset.sent)}</p>
                <p class="auth-switch"><a href="/login">{t!(i18n, login.back_to_login)}</a></p>
            </Show>
        </section>
    }
}

/// Chooses a new password from an emailed link.
#[component]
pub fn ResetPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let token = move || params.read().get("token").unwrap_or_default();
    let reset = ServerAction::<ResetPassword>::new();
    let errors = action_error(reset);
    // A reset logs the person in: the header must learn it.
    let auth = use_auth();
    Effect::watch(
        move || reset.version().get(),
        move |_, _, _| auth.refresh(),
        false,
    );
    view! {
        <Title text=move || t_string!(i18n, reset.title).to_string() />
        <section class="auth-card">
            <h1>{t!(i18n, reset.title)}</h1>
            <ActionForm action=reset attr:class="form">
                <input type="hidden" name="token" value=token />
                <Field name="password" kind="password" label=Signal::derive(move || t_string!(i18n, fields.new_password).to_string()) errors autocomplete="new-password" required=true
                    hint=Signal::derive(move || t_string!(i18n, fields.password_hint).to_string()) />
                <Field name="confirm" kind="password" label=Signal::derive(move || t_string!(i18n, fields.confirm).to_string()) errors autocomplete="new-password" required=true />
                <FormError errors fields=&["password", "confirm"] />
                <Show when=move || errors.get().and_then(|e| e.problem_for("token")).is_some()>
                    <p class="auth-switch"><a href="/forgot">{t!(i18n, reset.ask_again)}</a></p>
                </Show>
                <button type="submit" class="btn btn-primary btn-block">{t!(i18n, reset.submit)}</button>
            </ActionForm>
        </section>
    }
}
