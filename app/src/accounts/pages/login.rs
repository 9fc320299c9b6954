use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::accounts::api::{LoginWithLink, RequestLoginLink};
use crate::i18n::*;
use crate::ui::form::{action_error, Field, FormError};
use crate::ui::layout::use_auth;

#[component]
pub fn LoginPage() -> impl IntoView {
    let i18n = use_i18n();
    let login = use_auth().login;
    let errors = action_error(login);
    view! {
        <Title text=move || t_string!(i18n, login.title).to_string() />
        <section class="auth-card">
            <h1>{t!(i18n, login.title)}</h1>
            <p class="lede">{t!(i18n, login.lede)}</p>
            <ActionForm action=login attr:class="form">
                <Field name="email" kind="email" label=Signal::derive(move || t_string!(i18n, fields.email).to_string()) errors autocomplete="email" required=true />
                <Field name="password" kind="password" label=Signal::derive(move || t_string!(i18n, fields.password).to_string()) errors autocomplete="current-password" required=true />
                <FormError errors fields=&["email", "password"] />
                <button type="submit" class="btn btn-primary btn-block" disabled=move || login.pending().get()>
                    {t!(i18n, login.submit)}
                </button>
            </ActionForm>
            <p class="auth-switch"><a href="/forgot">{t!(i18n, login.forgot)}</a></p>
            <p class="auth-switch"><a href="/login/link">{t!(i18n, login.link_offer)}</a></p>
            <p class="auth-switch">{t!(i18n, login.no_account)} " " <a href="/signup">{t!(i18n, nav.signup)}</a></p>
        </section>
    }
}

/// Asks for a sign-in link. The confirmation is the same whether or not the address exists.
#[component]
pub fn LoginLinkPage() -> impl IntoView {
    let i18n = use_i18n();
    let request = ServerAction::<RequestLoginLink>::new();
    let errors = action_error(request);
    // The server sends the form to `?sent`, which without JavaScript is how the page learns.
    let query = use_query_map();
    let sent =
        move || matches!(request.value().get(), Some(Ok(()))) || query.read().get("sent").is_some();
    view! {
        <Title text=move || t_string!(i18n, login.link_title).to_string() />
        <section class="auth-card">
            <h1>{t!(i18n, login.link_title)}</h1>
            <Show
                when=sent
                fallback=move || view! {
                    <p class="lede">{t!(i18n, login.link_lede)}</p>
                    <ActionForm action=request attr:class="form">
                        <Field name="email" kind="email" label=Signal::derive(move || t_string!(i18n, fields.email).to_string()) errors autocomplete="email" required=true />
                        <FormError errors fields=&["email"] />
                        <button type="submit" class="btn btn-primary btn-block">{t!(i18n, login.link_send)}</button>
                    </ActionForm>
                }
            >
                <p class="notice notice-success" role="status">{t!(i18n, login.link_sent)}</p>
                <p class="auth-switch"><a href="/login">{t!(i18n, login.back_to_login)}</a></p>
            </Show>
        </section>
    }
}

/// Logs in from an emailed link, on a press of the button: opening the link alone does
/// nothing, so a mail scanner that follows it cannot use it up.
#[component]
pub fn LinkLoginPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let token = move || params.read().get("token").unwrap_or_default();
    let login = ServerAction::<LoginWithLink>::new();
    let errors = action_error(login);
    // The header must learn who is now logged in.
    let auth = use_auth();
    Effect::watch(
        move || login.version().get(),
        move |_, _, _| auth.refresh(),
        false,
    );
    view! {
        <Title text=move || t_string!(i18n, login.link_use_title).to_string() />
        <section class="auth-card">
            <h1>{t!(i18n, login.link_use_title)}</h1>
            <p class="lede">{t!(i18n, login.link_use_lede)}</p>
            <ActionForm action=login attr:class="form">
                <input type="hidden" name="token" value=token />
                <FormError errors fields=&[] />
                <Show when=move || errors.get().and_then(|e| e.problem_for("token")).is_some()>
                    <p class="auth-switch"><a href="/login/link">{t!(i18n, reset.ask_again)}</a></p>
                </Show>
                <button type="submit" class="btn btn-primary btn-block" disabled=move || login.pending().get()>
                    {t!(i18n, login.link_submit)}
                </button>
            </ActionForm>
        </section>
    }
}
