//! The CSV parser on a blocking thread, fed a chunk at a time by async code
//! that owns the file's source (an upload as it streams in, or its stored
//! chunks) and takes the parsed rows in batches. Only a chunk and a batch
//! are in memory at once, whatever the file's size.
//!
//! The two sides talk through one ordered channel of requests: the parser
//! asks for input (`Need`) and waits for it, or hands over rows (`Rows`). The
//! async side answers each in turn, so neither can wait on the other in a
//! circle.

use crate::domain::tool_import::{self, Kind, Parsed, Row};
use chrono_tz::Tz;
use std::io::Read;
use std::sync::mpsc;
use tokio::sync::mpsc as async_mpsc;

pub enum Ask {
    /// Send the next chunk (or `None`: the file ends).
    Need,
    /// Good rows, in file order.
    Rows(Vec<Row>),
}

pub struct Feed {
    asks: async_mpsc::Receiver<Ask>,
    input: mpsc::Sender<Option<Vec<u8>>>,
    parser: tokio::task::JoinHandle<Result<Parsed, String>>,
}

impl Feed {
    /// Starts the parser. With `batch`, good rows come back in batches of
    /// that many; without, only the summary is kept.
    pub fn start(kind: Kind, tz: Tz, batch: Option<usize>) -> Feed {
        let (ask, asks) = async_mpsc::channel(2);
        let (input, chunks) = mpsc::channel();
        let parser = tokio::task::spawn_blocking(move || {
            let fed = Fed {
                chunks,
                ask: ask.clone(),
                current: Vec::new(),
                at: 0,
                ended: false,
            };
            let mut rows = Vec::new();
            let parsed = tool_import::read(kind, fed, tz, |row| {
                if let Some(n) = batch {
                    rows.push(row);
                    if rows.len() >= n {
                        // A closed channel means the async side gave up;
                        // the input then ends too, and so does the parse.
                        let _ = ask.blocking_send(Ask::Rows(std::mem::take(&mut rows)));
                    }
                }
            });
            if !rows.is_empty() {
                let _ = ask.blocking_send(Ask::Rows(rows));
            }
            parsed
        });
        Feed {
            asks,
            input,
            parser,
        }
    }

    /// The parser's next request; `None` once it has finished.
    pub async fn next(&mut self) -> Option<Ask> {
        self.asks.recv().await
    }

    /// Answers a `Need`.
    pub fn give(&self, chunk: Option<Vec<u8>>) {
        // The parser may have stopped already (a file-level problem).
        let _ = self.input.send(chunk);
    }

    /// The parser's summary (after `next` returned `None`).
    pub async fn finish(self) -> Result<Parsed, String> {
        drop(self.input);
        self.parser
            .await
            .unwrap_or_else(|_| Err("The file could not be read.".to_string()))
    }
}

/// The parser's side: a `Read` that asks for each chunk when it needs it.
struct Fed {
    chunks: mpsc::Receiver<Option<Vec<u8>>>,
    ask: async_mpsc::Sender<Ask>,
    current: Vec<u8>,
    at: usize,
    ended: bool,
}

impl Read for Fed {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        while self.at == self.current.len() {
            if self.ended || self.ask.blocking_send(Ask::Need).is_err() {
                return Ok(0);
            }
            match self.chunks.recv() {
                Ok(Some(chunk)) => {
                    self.current = chunk;
                    self.at = 0;
                }
                Ok(None) | Err(_) => {
                    self.ended = true;
                    return Ok(0);
                }
            }
        }
        let n = buf.len().min(self.current.len() - self.at);
        buf[..n].copy_from_slice(&self.current[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Rows split across chunks anywhere (mid-field, mid-quote, mid-BOM)
    /// read exactly as the whole file does.
    #[tokio::test]
    async fn a_file_fed_in_small_pieces_reads_as_the_whole_file() {
        let file = "\u{feff}confirmation_number;pickup_at;passenger_name\n\
                    A-1;2026-12-05 06:30;\"Roe; Jane\"\n\
                    A-2;2026-12-05 07:30;Joe\n\
                    A-3;never;Ann\n\
                    A-4;2026-12-05 08:30;\n";
        let tz = chrono_tz::America::Phoenix;
        let whole = tool_import::parse(Kind::Reservations, file.as_bytes(), tz).unwrap();
        for size in [1, 2, 7, 64] {
            let mut pieces = file.as_bytes().chunks(size).map(<[u8]>::to_vec);
            let mut feed = Feed::start(Kind::Reservations, tz, Some(2));
            let mut rows = vec![];
            while let Some(ask) = feed.next().await {
                match ask {
                    Ask::Need => feed.give(pieces.next()),
                    Ask::Rows(batch) => {
                        assert!(batch.len() <= 2);
                        rows.extend(batch);
                    }
                }
            }
            let summary = feed.finish().await.unwrap();
            let expected: Vec<Row> = whole
                .reservations
                .iter()
                .cloned()
                .map(Row::Reservation)
                .collect();
            assert_eq!(rows, expected, "pieces of {size}");
            assert_eq!(summary.errors, whole.errors, "pieces of {size}");
            assert_eq!(summary.rows, 4);
        }
    }
}
