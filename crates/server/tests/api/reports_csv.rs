//! The chat report's CSV export: a header, escaped values, a total row, in
//! the language the request asks for.

use crate::reports::{data_set_world, BOB, RANGE};
use crate::support::*;

#[tokio::test]
async fn csv_export_has_a_header_escaped_values_and_a_total() {
    let w = data_set_world().await;
    let (api, sam) = (&w.api, w.agent(3));
    let (status, ct, disposition, bytes) = api
        .get_bytes(&format!("/api/v1/reports/chat.csv?{RANGE}"), &sam.token)
        .await;
    assert_eq!(status, 200);
    assert_eq!(ct, "text/csv; charset=utf-8");
    assert!(
        disposition.contains("chat-report-20261101-20261108.csv"),
        "{disposition}"
    );
    let text = String::from_utf8(bytes).expect("UTF-8");
    let text = text.strip_prefix('\u{feff}').expect("a byte-order mark");
    let mut r = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = r.headers().unwrap().iter().map(str::to_owned).collect();
    assert_eq!(
        header[..6],
        ["agent_id", "agent", "from", "to", "handled", "ended"]
    );
    assert!(header.contains(&"subject: Billing".to_string()));
    assert!(header.contains(&"subject: I don't know".to_string()));
    assert!(header.contains(&"mood: angry".to_string()));
    let rows: Vec<Vec<String>> = r
        .records()
        .map(|rec| rec.unwrap().iter().map(str::to_owned).collect())
        .collect();
    assert_eq!(rows.len(), 5, "four agents and the total");
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let row = |agent: &str| rows.iter().find(|r| r[1] == agent).unwrap();
    // Quotes and commas survive the round trip; formula-like names are defused.
    let bob = row(BOB);
    assert_eq!(bob[col("ended")], "4");
    assert_eq!(bob[col("median_first_response_seconds")], "210.000");
    assert_eq!(bob[col("response_rate")], "0.6667");
    assert_eq!(bob[col("subject: I don't know")], "1");
    assert!(text.contains("\"Bob \"\"B\"\", builder\""));
    assert_eq!(row("'=Carol")[col("handled")], "0");
    let alice = row("Alice");
    assert_eq!(alice[col("average_rating")], "3.33");
    assert_eq!(alice[col("median_handling_seconds")], "1080.000");
    assert_eq!(alice[col("rating_5")], "1");
    let total = row("All agents");
    assert_eq!(total[col("handled")], "9");
    assert_eq!(total[col("subject: Billing")], "4");
    assert_eq!(total[col("median_handling_seconds")], "1110.000");
}

/// The CSV's header row and its rows' names, asked for in `languages`.
async fn csv_in(api: &Api, token: &str, languages: &str) -> (Vec<String>, Vec<String>) {
    let resp = api
        .http
        .get(format!("{}/api/v1/reports/chat.csv?{RANGE}", api.base))
        .bearer_auth(token)
        .header("accept-language", languages)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    let text = resp.text().await.unwrap();
    let mut r = csv::Reader::from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let header = r.headers().unwrap().iter().map(str::to_owned).collect();
    let names = r.records().map(|rec| rec.unwrap()[1].to_owned()).collect();
    (header, names)
}

#[tokio::test]
async fn csv_export_speaks_the_language_accept_language_asks_for() {
    let w = data_set_world().await;
    let (api, sam) = (&w.api, w.agent(3));
    let (header, names) = csv_in(api, &sam.token, "fr-CA, fr;q=0.9, en;q=0.8").await;
    assert_eq!(
        header[..6],
        [
            "id_agent",
            "agent",
            "du",
            "au",
            "prises_en_charge",
            "terminées"
        ]
    );
    assert!(header.contains(&"note_5".to_string()), "{header:?}");
    assert!(
        header.contains(&"sujet\u{a0}: Billing".to_string()),
        "{header:?}"
    );
    assert!(
        header.contains(&"sujet\u{a0}: Je ne sais pas".to_string()),
        "{header:?}"
    );
    assert!(
        header.contains(&"humeur\u{a0}: en colère".to_string()),
        "{header:?}"
    );
    assert_eq!(names.last().map(String::as_str), Some("Tous les agents"));
    // Weights count, not the order written; languages the server lacks and
    // q=0 are passed over; with none it has, English.
    let (header, _) = csv_in(api, &sam.token, "en;q=0.5, fr;q=0.9").await;
    assert_eq!(header[0], "id_agent");
    let (header, _) = csv_in(api, &sam.token, "de-DE, fr;q=0, *;q=0.1").await;
    assert_eq!(header[0], "agent_id");
    let (header, names) = csv_in(api, &sam.token, "not a language tag").await;
    assert_eq!(header[0], "agent_id");
    assert_eq!(names.last().map(String::as_str), Some("All agents"));
}
