using System.Globalization;
using Trailmap.Journeys.Emotions;
using Trailmap.Journeys.Model;
using Trailmap.Journeys.Validation;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Trailmap.Journeys.Parsing;

public static partial class JourneyParser
{
    /// <summary>The largest emotion lexicon file read; a lexicon of feeling words is a few kilobytes.</summary>
    public const int MaxLexiconFileBytes = 256 * 1024;

    private sealed partial class Reader
    {
        /// <summary>
        /// <c>emotion_lexicon</c>: a mapping of word or emoji to a score on the journey's scale, or the name of a YAML
        /// file holding such a mapping, next to the journey file.
        /// </summary>
        private Dictionary<string, double> EmotionLexiconOf(YamlNode node, EmotionScale scale)
        {
            var result = new Dictionary<string, double>(StringComparer.Ordinal);
            switch (node)
            {
                case YamlMappingNode map:
                    ReadLexicon(map, scale, result, (n, message) => ctx.Report(Codes.InvalidValue, n, message));
                    break;
                case YamlScalarNode { Value: { } file }:
                    ReadLexiconFile(node, file, scale, result);
                    break;
                default:
                    ctx.Report(Codes.WrongType, node, "'emotion_lexicon' must be a mapping of feeling words or emoji to scores (e.g. { overwhelmed: 2 }) or the name of a YAML file next to the journey holding one");
                    break;
            }

            return result;
        }

        private void ReadLexiconFile(YamlNode at, string file, EmotionScale scale, Dictionary<string, double> result)
        {
            if (baseDirectory is null)
            {
                ctx.Report(Codes.InvalidValue, at, $"the emotion lexicon file '{file}' can only be read next to a journey file on disk (the CLI); here, write the words inline: emotion_lexicon: {{ overwhelmed: 2 }}");
                return;
            }

            // Only files beside the journey or below it: a journey must not make Trailmap read anything else.
            var full = Path.GetFullPath(Path.Combine(baseDirectory, file));
            var root = Path.GetFullPath(baseDirectory).TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar;
            if (Path.IsPathRooted(file) || !full.StartsWith(root, StringComparison.Ordinal))
            {
                ctx.Report(Codes.InvalidValue, at, $"the emotion lexicon file '{file}' must be a relative path inside the journey's folder, e.g. feelings.yaml");
                return;
            }

            string text;
            try
            {
                if (new FileInfo(full) is { Exists: true, Length: > MaxLexiconFileBytes } big)
                {
                    ctx.Report(Codes.InvalidValue, at, $"the emotion lexicon file '{file}' is {big.Length:N0} bytes; it may be at most {MaxLexiconFileBytes:N0}");
                    return;
                }

                text = File.ReadAllText(full);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                ctx.Report(Codes.InvalidValue, at, $"cannot read the emotion lexicon file '{file}' ({full}): {e.Message}");
                return;
            }

            var stream = new YamlStream();
            try
            {
                stream.Load(new StringReader(text));
            }
            catch (YamlException e)
            {
                ctx.Report(Codes.InvalidValue, at, $"{file}:{e.Start.Line}:{e.Start.Column}: the emotion lexicon file is not valid YAML");
                return;
            }

            if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode map)
            {
                ctx.Report(Codes.InvalidValue, at, $"{file}:1:1: the emotion lexicon file must hold one mapping of feeling words or emoji to scores, e.g. 'overwhelmed: 2'");
                return;
            }

            ReadLexicon(map, scale, result, (n, message) => ctx.Report(Codes.InvalidValue, at, $"{file}:{n.Start.Line}:{n.Start.Column}: {message}"));
        }

        private static void ReadLexicon(YamlMappingNode map, EmotionScale scale, Dictionary<string, double> result, Action<YamlNode, string> report)
        {
            foreach (var (k, v) in map.Children)
            {
                if (k is not YamlScalarNode { Value: { Length: > 0 } term } || EmotionLexicon.Terms(term).Count() != 1)
                {
                    report(k, "each emotion lexicon entry is one word or one emoji, e.g. 'overwhelmed: 2' or '\"🤔\": 3'");
                    continue;
                }

                if (v is not YamlScalarNode { Value: { } text }
                    || !double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var score) || !scale.Contains(score))
                {
                    report(v, $"the score of '{term}' must be a number on the journey's emotion scale {scale}");
                    continue;
                }

                result[EmotionLexicon.Normalise(term)] = score;
            }
        }

        /// <summary>Stages that give feelings but no score get a derived score from the lexicon, kept apart from Score.</summary>
        private static List<Stage> DeriveEmotions(IReadOnlyList<Stage> stages, IReadOnlyDictionary<string, double> overrides, EmotionScale scale)
        {
            var lexicon = EmotionLexicon.BuiltIn.With(overrides.ToDictionary(e => e.Key, e => EmotionLexicon.FromScale(e.Value, scale)));
            return stages.Select(s =>
            {
                if (s.Emotion is not { Score: null, Feelings.Count: > 0 } emotion)
                {
                    return s;
                }

                var (valence, matched) = lexicon.Valence(emotion.Feelings);
                return valence is { } v
                    ? s with { Emotion = emotion with { DerivedScore = Math.Round(EmotionLexicon.ToScale(v, scale), 2), DerivedFrom = matched } }
                    : s;
            }).ToList();
        }
    }
}
