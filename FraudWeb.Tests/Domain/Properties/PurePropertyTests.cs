using System.Globalization;
using System.Text;
using FraudWeb.Domain.Cards;
using FraudWeb.Domain.Features;
using FraudWeb.Domain.IO;
using FraudWeb.Domain.Learning;
using FsCheck;
using FsCheck.Fluent;

namespace FraudWeb.Tests.Domain.Properties;

/// <summary>
/// Property-based tests (FsCheck) of the pure functions that read untrusted or varied input: feature computation over
/// random histories, card numbers, the CSV readers and model files. Each property runs FsCheck's 100 random cases and
/// shrinks a failure to its smallest example.
/// </summary>
public sealed class PurePropertyTests
{
    private static readonly DateTime Start = new(2026, 9, 1, 0, 0, 0, DateTimeKind.Utc);
    private static readonly FeatureOptions Features = new();

    /// <summary>
    /// Random histories of a few cards and terminals over six weeks: timestamps on a 30-minute grid (so ties are
    /// common), amounts from zero to millions, frauds, declined attempts; ids not in time order.
    /// </summary>
    private static readonly Gen<TransactionRecord[]> Histories =
        (from card in Gen.Choose(1, 4)
         from terminal in Gen.Choose(1, 4)
         from slot in Gen.Choose(0, 2000)
         from cents in Gen.OneOf(Gen.Choose(0, 10_000), Gen.Choose(0, int.MaxValue))
         from fraud in Gen.Elements(false, false, false, true)
         from spend in Gen.Elements(true, true, true, false)
         // A fraud confirmed at once (null) or some time after (up to about 40 days: before and after the label delay)
         from confirmedAfter in Gen.OneOf(Gen.Constant(-1), Gen.Choose(0, 2000))
         select (card, terminal, slot, cents, fraud, spend, confirmedAfter))
        .ArrayOf()
        .Select(rows => rows.Select((r, i) => new TransactionRecord(i + 1, Start.AddMinutes(r.slot * 30), r.card, r.terminal, r.cents / 100.0, r.fraud, r.spend,
                r.fraud && r.confirmedAfter >= 0 ? Start.AddMinutes((r.slot + r.confirmedAfter) * 30) : null))
            .OrderBy(t => t.Timestamp).ThenBy(t => t.TransactionId).ToArray());

    [Fact]
    public void ComputeBatch_RandomHistories_EveryValueFinite()
    {
        Prop.ForAll(Histories.ToArbitrary(), history =>
        {
            var batch = TransactionFeatures.ComputeBatch(history, Features);
            Assert.Equal(history.Length * TransactionFeatures.Names.Count, batch.Length);
            Assert.All(batch, v => Assert.True(float.IsFinite(v), $"{v} in a batch of {history.Length}"));
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void ComputeOnline_RandomHistories_EqualsBatchBitwise()
    {
        Prop.ForAll(Histories.ToArbitrary(), history =>
        {
            var width = TransactionFeatures.Names.Count;
            var batch = TransactionFeatures.ComputeBatch(history, Features);
            var online = new float[width];
            for (var i = 0; i < history.Length; i++)
            {
                // The whole history is passed: later rows and other cards' or terminals' rows must be ignored.
                TransactionFeatures.ComputeOnline(history[i], history, history, Features, online);
                Assert.Equal(batch.AsSpan(i * width, width).ToArray(), online);
            }
        }).QuickCheckThrowOnFailure();
    }

    /// <summary>Digits with the Luhn check digit appended.</summary>
    private static string WithCheckDigit(string body)
    {
        var sum = 0;
        for (var i = 0; i < body.Length; i++)
        {
            var d = body[body.Length - 1 - i] - '0';
            if (i % 2 == 0) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
            sum += d;
        }
        return body + ((10 - sum % 10) % 10).ToString(CultureInfo.InvariantCulture);
    }

    [Fact]
    public void CardNumber_AnyValidVisaWithSeparators_AcceptedWithItsLast4()
    {
        var visas = from digits in Gen.Choose(0, 9).ArrayOf().Where(a => a.Length >= 14).Select(a => string.Concat(a.Take(14)))
                    from separator in Gen.Elements("", " ", "-")
                    select (Number: WithCheckDigit("4" + digits), Separator: separator);
        Prop.ForAll(visas.ToArbitrary(), visa =>
        {
            var typed = string.Join(visa.Separator, visa.Number.Chunk(4).Select(c => new string(c)));
            Assert.True(CardNumber.TryParse(typed, out var number, out var error), $"{typed}: {error}");
            Assert.Equal(visa.Number[^4..], number!.Last4);
            Assert.DoesNotContain(visa.Number, number.ToString(), StringComparison.Ordinal);
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void CardNumber_AnyText_ParsesOrSaysWhyNeverThrows()
    {
        var text = Gen.Elements("4", "5", "3", "0", "9", " ", "-", "x", "\u0660", "\uff14", "\0", "\u200b", "😀")
            .ArrayOf().Select(pieces => string.Concat(pieces));
        Prop.ForAll(text.ToArbitrary(), input =>
        {
            var parsed = CardNumber.TryParse(input, out var number, out var error);
            Assert.True(parsed ? number is not null && error is null : number is null && !string.IsNullOrWhiteSpace(error));
            Assert.Equal(parsed, CardNumber.Check(input) is null);
        }).QuickCheckThrowOnFailure();
    }

    /// <summary>CSV-like text: a header that is sometimes right, then rows of cells from a hostile alphabet.</summary>
    private static Gen<string> CsvText(string header) =>
        from withHeader in Gen.Elements(true, true, false)
        from body in Gen.Elements("1", "0", "-1", "2026-09-01 10:00:00", "2026-13-45 99:99:99", "12.5", "1e308", "NaN", "", "\"", "\"a,b\"",
                "x", ",", "\n", "\r\n", "\t", "€", "\0", "99999999999999999999").ArrayOf().Select(cells => string.Concat(cells))
        select (withHeader ? header + "\n" : "") + body;

    [Fact]
    public void RawTransactionCsv_AnyText_ReadsOrNamesTheLine()
    {
        var header = string.Join(",", RawTransactionCsv.RequiredColumns);
        Prop.ForAll(CsvText(header).ToArbitrary(), text =>
        {
            try
            {
                RawTransactionCsv.Read(new StringReader(text), "random.csv");
            }
            catch (CsvFormatException ex)
            {
                Assert.True(ex.Line >= 1, ex.Message);
                Assert.StartsWith("random.csv:", ex.Message, StringComparison.Ordinal);
            }
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void FeatureTableCsv_AnyText_ReadsOrNamesTheLine()
    {
        Prop.ForAll(CsvText("a,b,tx_fraud").ToArbitrary(), text =>
        {
            try
            {
                FeatureTableCsv.Read(new StringReader(text), "table.csv");
            }
            catch (CsvFormatException ex)
            {
                Assert.True(ex.Line >= 1, ex.Message);
                Assert.StartsWith("table.csv:", ex.Message, StringComparison.Ordinal);
            }
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void ModelFile_AnyBytes_RefusedAsAModelFormatError()
    {
        var bytes = Gen.OneOf(
            Gen.Choose(0, 255).Select(b => (byte)b).ArrayOf(),
            // Starts like a zip (ML.NET's model format), then anything.
            Gen.Choose(0, 255).Select(b => (byte)b).ArrayOf().Select(tail => Encoding.ASCII.GetBytes("PK\u0003\u0004").Concat(tail).ToArray()));
        Prop.ForAll(bytes.ToArbitrary(), content =>
            Assert.Throws<ModelFormatException>(() => ModelFile.Load(new MemoryStream(content)))).QuickCheckThrowOnFailure();
    }
}
