//! Character-level text: a tokenizer over the characters of a corpus and a seeded batcher that
//! samples (context, next-character) windows, nanoGPT-style.
use crate::{data_bail, Result};
use webgrad_core::Rng;

/// Maps each distinct character of a corpus (sorted by code point) to 0..vocab_size.
#[derive(Debug, Clone, PartialEq)]
pub struct CharTokenizer {
    chars: Vec<char>,
}

impl CharTokenizer {
    pub fn fit(text: &str) -> CharTokenizer {
        let mut chars: Vec<char> = text.chars().collect();
        chars.sort_unstable();
        chars.dedup();
        CharTokenizer { chars }
    }
    pub fn from_chars(chars: Vec<char>) -> Result<CharTokenizer> {
        let mut sorted = chars.clone();
        sorted.sort_unstable();
        sorted.dedup();
        if sorted != chars {
            data_bail!("tokenizer: characters must be sorted and distinct");
        }
        Ok(CharTokenizer { chars })
    }
    pub fn vocab_size(&self) -> usize {
        self.chars.len()
    }
    pub fn chars(&self) -> &[char] {
        &self.chars
    }
    pub fn encode(&self, text: &str) -> Result<Vec<i32>> {
        text.chars()
            .map(|c| match self.chars.binary_search(&c) {
                Ok(i) => Ok(i as i32),
                Err(_) => data_bail!("tokenizer: character {c:?} is not in the vocabulary of {} characters", self.chars.len()),
            })
            .collect()
    }
    pub fn decode(&self, tokens: &[i32]) -> Result<String> {
        tokens
            .iter()
            .map(|&t| match self.chars.get(t as usize) {
                Some(&c) if t >= 0 => Ok(c),
                _ => data_bail!("tokenizer: token {t} is out of range for a vocabulary of {}", self.chars.len()),
            })
            .collect()
    }
}

/// A tokenised corpus split into training (first `1 − val_fraction`) and validation tokens.
#[derive(Debug, Clone)]
pub struct CharCorpus {
    pub tokenizer: CharTokenizer,
    pub train: Vec<i32>,
    pub val: Vec<i32>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Split {
    Train,
    Val,
}

/// A batch of `batch` windows of `context` tokens, row-major `[batch, context]`; `targets` are
/// the inputs shifted by one.
#[derive(Debug, Clone, PartialEq)]
pub struct TokenBatch {
    pub inputs: Vec<i32>,
    pub targets: Vec<i32>,
    pub batch: usize,
    pub context: usize,
}

impl CharCorpus {
    /// The usual split for tiny-shakespeare is `val_fraction` = 0.1.
    pub fn new(text: &str, val_fraction: f32) -> Result<CharCorpus> {
        if !(0.0..1.0).contains(&val_fraction) {
            data_bail!("validation fraction {val_fraction} must be in [0, 1)");
        }
        let tokenizer = CharTokenizer::fit(text);
        let tokens = tokenizer.encode(text)?;
        let n_train = ((tokens.len() as f64) * (1.0 - val_fraction as f64)).round() as usize;
        Ok(CharCorpus { tokenizer, val: tokens[n_train..].to_vec(), train: tokens[..n_train].to_vec() })
    }

    pub fn tokens(&self, split: Split) -> &[i32] {
        match split {
            Split::Train => &self.train,
            Split::Val => &self.val,
        }
    }

    /// `batch` windows at uniformly random offsets (drawn from `rng`).
    pub fn batch(&self, split: Split, batch: usize, context: usize, rng: &mut Rng) -> Result<TokenBatch> {
        let tokens = self.tokens(split);
        if context == 0 || tokens.len() < context + 1 {
            data_bail!("{split:?} split has {} tokens, too few for a context of {context}", tokens.len());
        }
        let mut inputs = Vec::with_capacity(batch * context);
        let mut targets = Vec::with_capacity(batch * context);
        for _ in 0..batch {
            let start = rng.below(tokens.len() - context);
            inputs.extend_from_slice(&tokens[start..start + context]);
            targets.extend_from_slice(&tokens[start + 1..start + context + 1]);
        }
        Ok(TokenBatch { inputs, targets, batch, context })
    }

    /// Cross-entropy (nats per character) of the best context-free model, the training split's
    /// character frequencies, measured on `split`: a language model must beat this.
    pub fn unigram_loss(&self, split: Split) -> f32 {
        let v = self.tokenizer.vocab_size();
        let mut counts = vec![1.0f64; v]; // add-one smoothing: every character has some mass
        self.train.iter().for_each(|&t| counts[t as usize] += 1.0);
        let total: f64 = counts.iter().sum();
        let tokens = self.tokens(split);
        let nll: f64 = tokens.iter().map(|&t| -(counts[t as usize] / total).ln()).sum();
        (nll / tokens.len().max(1) as f64) as f32
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokenizer_round_trips() {
        let t = CharTokenizer::fit("hello world");
        assert_eq!(t.vocab_size(), 8);
        assert_eq!(t.chars()[0], ' ');
        let enc = t.encode("low").unwrap();
        assert_eq!(t.decode(&enc).unwrap(), "low");
        assert!(t.encode("lox").unwrap_err().0.contains("'x'"));
        assert!(t.decode(&[99]).is_err() && t.decode(&[-1]).is_err());
        assert_eq!(CharTokenizer::from_chars(t.chars().to_vec()).unwrap(), t);
        assert!(CharTokenizer::from_chars(vec!['b', 'a']).is_err());
    }

    #[test]
    fn batches_are_shifted_windows() {
        let text: String = (0..200).map(|i| char::from(b'a' + (i % 26) as u8)).collect();
        let c = CharCorpus::new(&text, 0.1).unwrap();
        assert_eq!((c.train.len(), c.val.len()), (180, 20));
        let mut rng = Rng::new(1);
        let b = c.batch(Split::Train, 4, 8, &mut rng).unwrap();
        assert_eq!(b.inputs.len(), 32);
        for row in 0..4 {
            for i in 0..7 {
                assert_eq!(b.inputs[row * 8 + i + 1], b.targets[row * 8 + i]);
            }
            assert_eq!((b.inputs[row * 8] + 1) % 26, b.targets[row * 8]);
        }
        assert!(c.batch(Split::Val, 1, 20, &mut rng).is_err());
        let u = c.unigram_loss(Split::Val);
        assert!((u - (26f32).ln()).abs() < 0.1, "{u}");
    }
}
