//! Importing reservations and drivers: the upload forms (plain multipart
//! forms, so they work before hydration), an upload's preview with every row
//! problem and the replace-or-merge confirmation, the last imports, and the
//! staleness limit.

use crate::api::reservations::{tool_data_upload, ToolDataStaleHours};
use crate::components::form::{last_error, outcome, Field, FormMessage};
use crate::components::status::{clock, ErrorNotice, Loading};
use crate::domain::tool_data::{ImportRecord, ToolDataOverview, UploadPreview};
use leptos::prelude::*;
use uuid::Uuid;

const COLUMNS_RESERVATIONS: &str = "confirmation_number and pickup_at are required; passenger_name, passenger_phone, pickup_address, dropoff_address, status and driver_name are optional.";
const COLUMNS_DRIVERS: &str =
    "name is required; phone (with country code) and active (yes or no) are optional.";

/// Both upload forms, the last imports and the staleness limit.
#[component]
pub fn ImportPanel(o: ToolDataOverview, stale: ServerAction<ToolDataStaleHours>) -> impl IntoView {
    let tz = o.timezone.clone();
    view! {
        <section class="card" id="imports" aria-labelledby="imports-title">
            <h2 id="imports-title">"Import"</h2>
            <p class="section-help">
                "Upload a CSV file (comma or semicolon separated, UTF-8, up to 50 MB). The first line names the columns, in any order and any case; other columns are ignored. You see every row first and choose to replace or merge before anything changes."
            </p>
            <div class="branding-grid">
                <UploadForm kind="reservations" title="Reservations" columns=COLUMNS_RESERVATIONS
                    note=format!("Pickup times: 2026-12-05 06:30 in {tz}, or with an offset (2026-12-05T06:30:00-07:00).")
                    last=o.last_reservations.clone()/>
                <UploadForm kind="drivers" title="Drivers" columns=COLUMNS_DRIVERS
                    note="A reservation's driver_name matches a driver's name.".to_string()
                    last=o.last_drivers.clone()/>
            </div>
            <StaleHours hours=o.stale_hours action=stale/>
        </section>
    }
}

#[component]
fn UploadForm(
    kind: &'static str,
    title: &'static str,
    columns: &'static str,
    note: String,
    last: Option<ImportRecord>,
) -> impl IntoView {
    let id = format!("file-{kind}");
    view! {
        <form class="asset-form" method="post" enctype="multipart/form-data"
            action=format!("/reservations/upload/{kind}") data-kind=kind>
            <h3>{title}</h3>
            <p class="hint">{columns}" "{note}</p>
            <div class="field">
                <label for=id.clone()>{format!("{title} file (CSV)")}</label>
                <input id=id name="file" type="file" accept=".csv,text/csv" required=true/>
            </div>
            <p class="small">
                <a href=format!("/reservations/templates/{kind}.csv") download="">"Download the template"</a>
            </p>
            <button type="submit" class="button button-primary">"Upload and preview"</button>
            <LastImport last/>
        </form>
    }
}

/// "Last import: 1,204 rows (replace) from rides.csv by ann@…, Dec 5, 9:12 AM".
#[component]
fn LastImport(last: Option<ImportRecord>) -> impl IntoView {
    let text = match last {
        None => "Not imported yet.".to_string(),
        Some(r) if r.errors > 0 => format!(
            "Last attempt refused: {} row problem{}, nothing stored{} — {}, {}.",
            r.errors,
            if r.errors == 1 { "" } else { "s" },
            r.filename.map(|f| format!(" ({f})")).unwrap_or_default(),
            r.actor,
            clock().when(r.at)
        ),
        Some(r) => format!(
            "Last import: {} row{} ({}){} — {}, {}.",
            r.rows,
            if r.rows == 1 { "" } else { "s" },
            if r.mode == "replace" {
                "replaced everything"
            } else {
                "merged"
            },
            r.filename.map(|f| format!(" from {f}")).unwrap_or_default(),
            r.actor,
            clock().when(r.at)
        ),
    };
    view! { <p class="small muted last-import">{text}</p> }
}

#[component]
fn StaleHours(hours: i32, action: ServerAction<ToolDataStaleHours>) -> impl IntoView {
    view! {
        <ActionForm action attr:class="inline-form" attr:id="stale-hours">
            <Field name="hours" label="Count reservations as stale after (hours)" kind="number"
                value=hours.to_string() error=last_error(action.value())
                hint="The page shows the data in amber after this, and the voice agent tells callers the information may be out of date."/>
            <button type="submit" class="button">"Save"</button>
            <FormMessage value=outcome(action.value()) success="Saved."/>
        </ActionForm>
    }
}

/// The preview of upload `id`: what the file holds, every row problem, and
/// the confirmation (or what to fix).
#[component]
pub fn UploadPanel(id: Uuid, refused: bool) -> impl IntoView {
    let upload = Resource::new(move || id, tool_data_upload);
    view! {
        <section class="card" id="upload" aria-labelledby="upload-title">
            <Suspense fallback=|| view! { <Loading/> }>
                {move || Suspend::new(async move {
                    match upload.await {
                        Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                        Ok(p) => view! { <Preview p refused/> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn Preview(p: UploadPreview, refused: bool) -> impl IntoView {
    let title = format!(
        "{} — {} {}",
        p.filename,
        p.rows,
        if p.rows == 1 { "row" } else { "rows" }
    );
    let headers = p.headers.clone();
    let problem = p.problem.clone().map(|m| {
        view! { <div class="notice notice-error" role="alert"><p>{m}</p></div> }
    });
    let ignored = (!p.ignored_columns.is_empty()).then(|| {
        view! {
            <p class="small muted">
                {format!("Ignored columns (not read): {}.", p.ignored_columns.join(", "))}
            </p>
        }
    });
    let refused = refused.then(|| {
        view! {
            <div class="notice notice-error" role="alert">
                <p>"Nothing was imported: the file has row problems (below)."</p>
            </div>
        }
    });
    let errors = (p.error_count > 0).then(|| view! { <RowErrors p=p.clone()/> });
    let sample = (!p.first_rows.is_empty()).then(|| {
        view! {
            <h3>"First rows"</h3>
            <div class="table-wrap">
                <table class="table" id="preview-rows">
                    <thead><tr>
                        <th scope="col">"Line"</th>
                        {headers.iter().map(|h| view! { <th scope="col">{h.clone()}</th> }).collect_view()}
                    </tr></thead>
                    <tbody>
                        {p.first_rows.iter().enumerate().map(|(i, row)| view! {
                            <tr>
                                <td class="num">{i + 2}</td>
                                {row.iter().map(|c| view! { <td>{c.clone()}</td> }).collect_view()}
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        }
    });
    let next = if p.importable() {
        view! { <Confirm id=p.id kind=p.kind.clone() rows=p.rows/> }.into_any()
    } else {
        view! {
            <p><strong>"Fix the file and upload it again below."</strong> " Nothing has changed."</p>
        }
        .into_any()
    };
    view! {
        <h2 id="upload-title">{format!("Preview: {}", p.kind)}</h2>
        <p class="muted">{title}</p>
        {refused}
        {problem}
        {ignored}
        {errors}
        {sample}
        {next}
    }
}

#[component]
fn RowErrors(p: UploadPreview) -> impl IntoView {
    let more = p.error_count as usize - p.errors.len().min(p.error_count as usize);
    view! {
        <h3 class="form-error">
            {format!("{} row problem{}", p.error_count, if p.error_count == 1 { "" } else { "s" })}
        </h3>
        <div class="table-wrap">
            <table class="table" id="row-errors">
                <thead><tr>
                    <th scope="col">"Line"</th>
                    <th scope="col">"Column"</th>
                    <th scope="col">"What is wrong"</th>
                </tr></thead>
                <tbody>
                    {p.errors.into_iter().map(|e| view! {
                        <tr>
                            <td class="num">{e.line}</td>
                            <td class="mono">{e.column}</td>
                            <td>{e.message}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
        {(more > 0).then(|| view! { <p class="small muted">{format!("…and {more} more.")}</p> })}
    }
}

#[component]
fn Confirm(id: Uuid, kind: String, rows: i32) -> impl IntoView {
    view! {
        <form method="post" action=format!("/reservations/uploads/{id}/confirm") id="confirm-import">
            <fieldset class="radio-group">
                <legend>"How to import"</legend>
                <label class="radio-option">
                    <input type="radio" name="mode" value="merge" checked=true/>
                    <span>
                        <strong>"Merge"</strong>
                        <span class="radio-help">{format!(" — add new {kind} and update those already here (by {}); keep the rest.", if kind == "drivers" { "name" } else { "confirmation number" })}</span>
                    </span>
                </label>
                <label class="radio-option">
                    <input type="radio" name="mode" value="replace"/>
                    <span>
                        <strong>"Replace"</strong>
                        <span class="radio-help">{format!(" — the {kind} become exactly this file's {rows} rows.")}</span>
                    </span>
                </label>
            </fieldset>
            <p class="hint">"One step: if anything fails, nothing changes. 100,000 rows take under a minute."</p>
            <button type="submit" class="button button-primary">{format!("Import {rows} row{}", if rows == 1 { "" } else { "s" })}</button>
            " "
            <a class="button button-quiet" href="/reservations">"Cancel"</a>
        </form>
    }
}
