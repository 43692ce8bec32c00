//! The Reservations page's routes over HTTP, as a browser without
//! JavaScript uses them: upload (multipart) → preview on the page → confirm
//! (plain form) → the rows on the page and in the export. Viewers read and
//! export, never import; another organization's admin cannot touch an
//! upload even with its id.

mod support;

use reqwest::StatusCode;
use support::{fixture, TestApp};

const WITH_A_BAD_ROW: &str =
    "confirmation_number,pickup_at,passenger_name,passenger_phone,driver_name,notes\n\
     RT-100,2026-12-05 06:30,=Jane Roe,+15555550101,Sam Ortiz,vip\n\
     RT-101,half past six,Joe Poe,+15555550102,,\n";

async fn upload(
    client: &reqwest::Client,
    host: &str,
    kind: &str,
    name: &str,
    bytes: Vec<u8>,
) -> reqwest::Response {
    let form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(bytes).file_name(name.to_string()),
    );
    client
        .post(format!("{host}/reservations/upload/{kind}"))
        .multipart(form)
        .send()
        .await
        .unwrap()
}

/// The upload id in a preview's address (`/reservations?upload=<id>#upload`).
fn upload_id(preview: &str) -> String {
    preview
        .trim_start_matches("/reservations?upload=")
        .trim_end_matches("#upload")
        .to_string()
}

/// Confirms upload `id` the way the preview's form does.
async fn confirm(client: &reqwest::Client, host: &str, id: &str, mode: &str) -> reqwest::Response {
    client
        .post(format!("{host}/reservations/uploads/{id}/confirm"))
        .form(&[("mode", mode)])
        .send()
        .await
        .unwrap()
}

fn location(res: &reqwest::Response) -> String {
    res.headers()["location"].to_str().unwrap().to_string()
}

async fn page(client: &reqwest::Client, url: &str) -> String {
    let res = client.get(url).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK, "{url}");
    res.text().await.unwrap()
}

#[tokio::test]
async fn an_admin_uploads_sees_the_problems_fixes_the_file_and_imports_it() {
    let app = TestApp::spawn().await;
    let f = fixture(&app.db.app).await;
    let host = app.org(&f.alpha.slug, "");
    let admin = app.signed_in(&host, "admin@alpha.example").await;

    // First try: one bad row. The preview names it; nothing is stored.
    let res = upload(
        &admin,
        &host,
        "reservations",
        "rides.csv",
        WITH_A_BAD_ROW.into(),
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let preview = location(&res);
    assert!(preview.starts_with("/reservations?upload="), "{preview}");
    let html = page(&admin, &format!("{host}{preview}")).await;
    assert!(html.contains("1 row problem"), "{html}");
    assert!(html.contains("half past six") && html.contains("pickup_at"));
    assert!(html.contains("Ignored columns (not read): notes."));
    assert!(
        !html.contains("confirm-import"),
        "a file with problems offers no import"
    );
    let id = upload_id(&preview);
    // Confirming it anyway (a crafted post) imports nothing.
    let res = confirm(&admin, &host, &id, "replace").await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(location(&res).contains("refused=1"));
    let html = page(&admin, &format!("{host}/reservations")).await;
    assert!(html.contains("No reservations yet"));
    assert!(html.contains("Last attempt refused: 1 row problem"));

    // Fixed: the preview offers the import; replace it.
    let fixed = WITH_A_BAD_ROW.replace("half past six", "2026-12-05 06:45");
    let res = upload(&admin, &host, "reservations", "rides.csv", fixed.into()).await;
    let preview = location(&res);
    let html = page(&admin, &format!("{host}{preview}")).await;
    assert!(html.contains("confirm-import") && html.contains("Import 2 rows"));
    let id = upload_id(&preview);
    let res = confirm(&admin, &host, &id, "replace").await;
    assert_eq!(
        location(&res),
        "/reservations?imported=reservations#imports"
    );
    let html = page(&admin, &format!("{host}/reservations?q=rt%20101")).await;
    assert!(
        html.contains("RT-101") && !html.contains(">RT-100<"),
        "{html}"
    );
    assert!(html.contains("Reservations updated just now"));
    assert!(html.contains("Last import: 2 rows (replaced everything) from rides.csv"));
    let html = page(
        &admin,
        &format!("{host}/reservations?q=%2B1%20555%20555%200101"),
    )
    .await;
    assert!(html.contains("RT-100"), "by phone");
    // The same upload cannot be imported twice.
    let res = confirm(&admin, &host, &id, "merge").await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);

    // The export is the import's format, formulas neutralised.
    let res = admin
        .get(format!("{host}/reservations/export.csv"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let csv = res.text().await.unwrap();
    assert!(csv.starts_with("confirmation_number,pickup_at,"), "{csv}");
    assert!(
        csv.contains("RT-100,2026-12-05T06:30:00-07:00,'=Jane Roe,+15555550101"),
        "{csv}"
    );
    let template = admin
        .get(format!("{host}/reservations/templates/drivers.csv"))
        .send()
        .await
        .unwrap();
    assert_eq!(template.status(), StatusCode::OK);
    assert!(template
        .text()
        .await
        .unwrap()
        .starts_with("name,phone,active"));
}

#[tokio::test]
async fn viewers_read_and_export_and_other_organizations_cannot_touch_an_upload() {
    let app = TestApp::spawn().await;
    let f = fixture(&app.db.app).await;
    let host = app.org(&f.alpha.slug, "");
    let admin = app.signed_in(&host, "admin@alpha.example").await;
    let res = upload(
        &admin,
        &host,
        "drivers",
        "d.csv",
        b"name,phone\nSam Ortiz,+15555550177\n".to_vec(),
    )
    .await;
    let preview = location(&res);
    let id = upload_id(&preview);

    let viewer = app.signed_in(&host, "viewer@alpha.example").await;
    let res = upload(
        &viewer,
        &host,
        "drivers",
        "d.csv",
        b"name\nMallory\n".to_vec(),
    )
    .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let res = confirm(&viewer, &host, &id, "replace").await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let html = page(&viewer, &format!("{host}/reservations")).await;
    assert!(html.contains("No drivers") && !html.contains("Upload and preview"));
    let res = viewer
        .get(format!("{host}/reservations/drivers.csv"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);

    // Bravo's admin, on bravo's own address, with alpha's upload id.
    let bravo_host = app.org(&f.bravo.slug, "");
    let bravo = app.signed_in(&bravo_host, "admin@bravo.example").await;
    let res = confirm(&bravo, &bravo_host, &id, "replace").await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    // Nobody signed in: nothing.
    let res = app
        .client()
        .get(format!("{host}/reservations/export.csv"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);

    // Alpha's admin imports it after all.
    let res = confirm(&admin, &host, &id, "merge").await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let csv = viewer
        .get(format!("{host}/reservations/drivers.csv"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(csv, "name,phone,active\nSam Ortiz,+15555550177,yes\n");
}

#[tokio::test]
async fn a_file_over_the_limit_is_refused_with_a_clear_message() {
    let app = TestApp::spawn().await;
    let f = fixture(&app.db.app).await;
    let host = app.org(&f.alpha.slug, "");
    let admin = app.signed_in(&host, "admin@alpha.example").await;
    let mut big = b"confirmation_number,pickup_at\n".to_vec();
    let row = b"RT-1,2026-12-05 06:30\n";
    while big.len() <= 50 * 1024 * 1024 {
        big.extend_from_slice(row);
    }
    let res = upload(&admin, &host, "reservations", "big.csv", big).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let html = page(&admin, &format!("{host}{}", location(&res))).await;
    assert!(html.contains("The file is larger than 50 MB"), "{html}");
}
