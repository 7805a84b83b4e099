//! The daemon's archive chunks as a blocking `Read`: the async side forwards each
//! chunk into a bounded channel, the tar reader on a blocking thread takes them here.
//! Dropping the reader closes the channel, which tells the async side to stop asking.

use std::io::{self, Read};

use bytes::{Buf, Bytes};
use tokio::sync::mpsc;

pub struct ChannelReader {
    rx: mpsc::Receiver<io::Result<Bytes>>,
    current: Bytes,
    /// Bytes handed out so far: what crossed from the daemon.
    pub taken: u64,
}

impl ChannelReader {
    pub fn new(rx: mpsc::Receiver<io::Result<Bytes>>) -> Self {
        Self { rx, current: Bytes::new(), taken: 0 }
    }
}

impl Read for ChannelReader {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        while self.current.is_empty() {
            match self.rx.blocking_recv() {
                Some(Ok(chunk)) => self.current = chunk,
                Some(Err(e)) => return Err(e),
                None => return Ok(0),
            }
        }
        let n = out.len().min(self.current.len());
        out[..n].copy_from_slice(&self.current[..n]);
        self.current.advance(n);
        self.taken += n as u64;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunks_read_back_in_order_and_an_error_comes_through() {
        let (tx, rx) = mpsc::channel(4);
        tx.try_send(Ok(Bytes::from_static(b"abc"))).unwrap();
        tx.try_send(Ok(Bytes::from_static(b"de"))).unwrap();
        tx.try_send(Err(io::Error::other("daemon went away"))).unwrap();
        drop(tx);
        let mut reader = ChannelReader::new(rx);
        let mut buf = [0u8; 4];
        assert_eq!(reader.read(&mut buf).unwrap(), 3);
        assert_eq!(reader.read(&mut buf).unwrap(), 2);
        assert_eq!(&buf[..2], b"de");
        assert_eq!(reader.read(&mut buf).unwrap_err().to_string(), "daemon went away");
        assert_eq!(reader.read(&mut buf).unwrap(), 0);
        assert_eq!(reader.taken, 5);
    }
}
