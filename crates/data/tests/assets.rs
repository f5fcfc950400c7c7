//! The bundled assets load and match their documented contents.
use webgrad_data::{assets, text, Labels};

#[test]
fn mnist_test_set_has_the_documented_class_counts() {
    let d = assets::mnist().unwrap();
    assert_eq!(d.features_shape(), [10_000, 1, 28, 28]);
    let Labels::Classes { labels, num_classes: 10 } = &d.labels else { panic!("classes expected") };
    let counts: Vec<usize> = (0..10).map(|c| labels.iter().filter(|&&l| l == c).count()).collect();
    assert_eq!(counts, [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]);
    assert!(d.features.iter().all(|p| (0.0..=1.0).contains(p)));
}

#[test]
fn tiny_shakespeare_has_65_characters() {
    let t = assets::tiny_shakespeare().unwrap();
    assert_eq!(t.chars().count(), 1_115_394);
    let c = text::CharCorpus::new(&t, 0.1).unwrap();
    assert_eq!(c.tokenizer.vocab_size(), 65);
    let u = c.unigram_loss(text::Split::Val);
    assert!((3.0..3.5).contains(&u), "unigram loss {u}");
}
