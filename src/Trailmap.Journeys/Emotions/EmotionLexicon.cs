using System.Globalization;
using System.Text;
using Trailmap.Journeys.Model;

namespace Trailmap.Journeys.Emotions;

/// <summary>
/// Valence of feeling words and emoji, on -2 (very negative) to +2 (very positive). The built-in entries are
/// Trailmap's own list, written for journey maps and shipped under the project's licence (docs/journey-format.md,
/// "Emotions from words"); a journey overrides or extends them with <c>emotion_lexicon</c>.
/// </summary>
public sealed class EmotionLexicon
{
    public const double MinValence = -2;
    public const double MaxValence = 2;

    private readonly Dictionary<string, double> _valence;

    private EmotionLexicon(Dictionary<string, double> valence) => _valence = valence;

    public static EmotionLexicon BuiltIn { get; } = new(BuiltInEntries());

    public int Count => _valence.Count;

    public IReadOnlyDictionary<string, double> Entries => _valence;

    /// <summary>The built-in lexicon with <paramref name="overrides"/> (word or emoji to valence -2..2) on top.</summary>
    public EmotionLexicon With(IReadOnlyDictionary<string, double> overrides)
    {
        if (overrides.Count == 0)
        {
            return this;
        }

        var merged = new Dictionary<string, double>(_valence, StringComparer.Ordinal);
        foreach (var (term, v) in overrides)
        {
            merged[Normalise(term)] = v;
        }

        return new EmotionLexicon(merged);
    }

    /// <summary>
    /// The stage's valence from its feelings: the mean valence of every word and emoji of every feeling that the
    /// lexicon knows ("🤔 Curious" gives 🤔 and curious), or null when it knows none. Also the terms it used.
    /// </summary>
    public (double? Valence, IReadOnlyList<string> Matched) Valence(IEnumerable<string> feelings)
    {
        var matched = new List<string>();
        double sum = 0;
        foreach (var term in feelings.SelectMany(Terms))
        {
            if (_valence.TryGetValue(term, out var v))
            {
                matched.Add(term);
                sum += v;
            }
        }

        return (matched.Count == 0 ? null : sum / matched.Count, matched);
    }

    /// <summary>A valence on -2..2 as a score on the journey's scale (-2 is the scale's minimum, +2 its maximum).</summary>
    public static double ToScale(double valence, EmotionScale scale) =>
        scale.Min + ((valence - MinValence) / (MaxValence - MinValence) * (scale.Max - scale.Min));

    /// <summary>A score on the journey's scale as a valence on -2..2.</summary>
    public static double FromScale(double score, EmotionScale scale) =>
        MinValence + ((score - scale.Min) / (scale.Max - scale.Min) * (MaxValence - MinValence));

    /// <summary>Lower-case text without the emoji variation selector, so "😐️" and "😐" are one entry.</summary>
    public static string Normalise(string term) =>
        term.Replace("\uFE0F", "", StringComparison.Ordinal).Trim().ToLowerInvariant();

    /// <summary>The words and emoji of one feeling: letters (and ' -) make words; every other symbol is its own term.</summary>
    public static IEnumerable<string> Terms(string feeling)
    {
        var word = new StringBuilder();
        var e = StringInfo.GetTextElementEnumerator(Normalise(feeling));
        while (e.MoveNext())
        {
            var element = e.GetTextElement();
            if (element.Length == 1 && (char.IsLetterOrDigit(element[0]) || element[0] is '\'' or '-'))
            {
                word.Append(element);
                continue;
            }

            if (word.Length > 0)
            {
                yield return word.ToString().Trim('-', '\'');
                word.Clear();
            }

            if (!string.IsNullOrWhiteSpace(element) && !char.IsPunctuation(element[0]))
            {
                yield return element;
            }
        }

        if (word.Length > 0)
        {
            yield return word.ToString().Trim('-', '\'');
        }
    }

    private static Dictionary<string, double> BuiltInEntries()
    {
        var d = new Dictionary<string, double>(StringComparer.Ordinal);
        void Add(double v, string terms)
        {
            foreach (var t in terms.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                d[Normalise(t)] = v;
            }
        }

        // Words, by valence. Adjectives a customer (or a researcher about them) uses of how a stage feels.
        Add(2, "delighted thrilled excited ecstatic elated amazed love loving wowed overjoyed proud triumphant euphoric");
        Add(1.5, "happy joyful grateful relieved inspired empowered impressed enthusiastic eager successful accomplished satisfied");
        Add(1, "confident hopeful optimistic pleased glad curious interested intrigued motivated reassured comfortable engaged "
            + "trusting valued supported welcomed informed capable productive energized encouraged positive content connected");
        Add(0.5, "calm relaxed ready focused fine ok okay committed invested settled");
        Add(0, "neutral indifferent uncertain unsure ambivalent cautious careful thoughtful evaluating considering waiting busy");
        Add(-0.5, "skeptical sceptical hesitant doubtful wary distracted impatient bored tired pressured rushed");
        Add(-1, "confused overwhelmed worried anxious nervous concerned frustrated disappointed lost stuck uneasy stressed "
            + "annoyed irritated overloaded isolated ignored neglected uncomfortable insecure vulnerable");
        Add(-1.5, "angry upset afraid scared fearful helpless betrayed discouraged demotivated exhausted");
        Add(-2, "furious devastated hopeless miserable desperate terrified hate hating disgusted outraged");

        // Nouns: documents name feelings as often as they describe them ("Emotions: Frustration, curiosity, hope").
        // A noun carries its adjective's valence (frustration = frustrated); the few without an adjective above
        // (mastery, loyalty, belonging, fatigue, desire) take the valence of the nearest one (accomplished, committed, tired).
        Add(2, "delight excitement ecstasy elation amazement pride triumph euphoria");
        Add(1.5, "happiness joy gratitude relief inspiration empowerment enthusiasm eagerness success accomplishment satisfaction "
            + "mastery loyalty belonging");
        Add(1, "confidence hope optimism pleasure curiosity interest intrigue motivation reassurance comfort engagement trust "
            + "productivity energy encouragement positivity contentment anticipation");
        Add(0.5, "calmness relaxation readiness focus commitment desire learning");
        Add(0, "neutrality indifference uncertainty ambivalence caution evaluation consideration");
        Add(-0.5, "skepticism scepticism hesitation hesitancy doubt wariness distraction impatience boredom tiredness pressure fatigue");
        Add(-1, "confusion overwhelm worry anxiety nervousness concern frustration disappointment unease uneasiness stress "
            + "annoyance irritation overload isolation discomfort insecurity vulnerability");
        Add(-1.5, "anger fear helplessness betrayal discouragement demotivation exhaustion");
        Add(-2, "fury devastation hopelessness misery desperation terror hatred disgust outrage");

        // Emoji, by the feeling they usually stand for.
        Add(2, "😍 🤩 🥳 🎉 😁 ❤ 💯 🚀 🙌");
        Add(1.5, "😀 😃 😄 😊 🥰 😌 🙏 👏 💪 ✨ 🏆");
        Add(1, "🙂 👍 😎 🤗 ✅ 😇 🤝");
        Add(0.5, "😏 🤓");
        Add(0, "😐 😶 🤔 🧐 😑 🫤");
        Add(-0.5, "😕 🙄 🤨 😬 😴 ⏳");
        Add(-1, "🙁 😟 😣 😖 😥 😓 😰 😵 😩 😫 👎");
        Add(-1.5, "😠 😢 😞 😔 😨 😱");
        Add(-2, "😡 🤬 😭 💔");
        return d;
    }
}
