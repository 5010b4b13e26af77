using System.Text;
using Rules.Engine.Replay;

namespace Rules.Engine.Tests.Replay;

/// <summary>
/// The runner reads a JSONL log as UTF-8 bytes (ReplayLogReader.ReadBatches); ReplayLogReader.Read, which decodes each
/// line with StreamReader, is the oracle: the same records, the same line numbers, the same text, whatever the line
/// endings, blank lines, byte order mark, invalid UTF-8 or where the file's reads happen to split a line.
/// </summary>
public sealed class ReplayLogBatchesTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("replay-batches-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    public static TheoryData<string, byte[]> Logs() => new()
    {
        { "lf", Utf8("{\"a\":1}\n{\"a\":2}\n") },
        { "crlf and no final newline", Utf8("{\"a\":1}\r\n{\"a\":2}\r\n{\"a\":3}") },
        { "lone cr", Utf8("{\"a\":1}\r{\"a\":2}\r\r\n{\"a\":3}\n") },
        { "blank lines", Utf8("\n  \t\n{\"a\":1}\n\v\f \n\u00a0\u2003\n\u00a0x\n\n") },
        { "utf-8 bom", [0xEF, 0xBB, 0xBF, .. Utf8("{\"a\":\"é\"}\n{\"a\":2}")] },
        { "invalid utf-8", [.. Utf8("{\"a\":\""), 0xC3, 0x28, 0xFF, .. Utf8("\"}\n{\"a\":\""), 0xE2, 0x82, .. Utf8("\"}\n")] },
        { "utf-16 bom", [.. Encoding.Unicode.GetPreamble(), .. Encoding.Unicode.GetBytes("{\"a\":1}\r\n\r\n{\"a\":\"é\"}\n")] },
        { "empty", [] },
        { "only a bom", [0xEF, 0xBB, 0xBF] },
        { "a line longer than the read buffer", Utf8("{\"a\":\"" + new string('x', 200_000) + "\"}\n{\"b\":1}\n") },
        { "crlf across the read buffer", Utf8(new string(' ', 65_535 - 8) + "{\"a\":1}\r\n{\"a\":2}\n") },
        { "cr at the end of the read buffer, lf after", Utf8("{\"a\":\"" + new string('y', 65_535 - 8) + "\"}\r\n{\"a\":2}") },
    };

    [Theory]
    [MemberData(nameof(Logs))]
    public void Batches_hold_the_records_lines_and_text_that_Read_gives(string name, byte[] content)
    {
        var path = System.IO.Path.Combine(_directory, $"{name.Replace(' ', '-')}.jsonl");
        File.WriteAllBytes(path, content);
        var oracle = new ReplayLogReader(path);
        var expected = oracle.Read().Select(r => (r.Source, r.Line, r.Text)).ToList();

        var pool = new ReplayBatchPool(recordsPerBatch: 2, bytesPerBatch: 1 << 20);
        var actual = new List<(string, long, string)>();
        var reader = new ReplayLogReader(path);
        foreach (var batch in reader.ReadBatches(pool))
        {
            for (var i = 0; i < batch.Count; i++)
            {
                actual.Add((batch[i].Source, batch[i].Line, Encoding.UTF8.GetString(batch.Text(i).Span)));
            }
            pool.Return(batch);
        }

        actual.Should().Equal(expected, name);
        reader.Fraction.Should().Be(oracle.Fraction, "progress ends where it ended");
    }

    [Fact]
    public void Lines_split_the_same_when_every_read_returns_a_single_byte()
    {
        var text = "{\"a\":1}\r\n\r{\"a\":2}\n\n{\"a\":\"é\"}\r";
        var lines = new Utf8LineReader(new OneByteAtATime(Utf8(text)));
        var read = new List<(long, string)>();
        while (lines.TryReadLine(out var line))
        {
            read.Add((lines.LineNumber, Encoding.UTF8.GetString(line)));
        }

        var expected = new List<(long, string)>();
        using var reader = new StringReader(text);
        long number = 0;
        while (reader.ReadLine() is { } line)
        {
            expected.Add((++number, line));
        }
        read.Should().Equal(expected);
    }

    [Theory]
    [InlineData("", true)]
    [InlineData(" \t\v\f", true)]
    [InlineData("\u00a0\u2028\u3000 ", true)]
    [InlineData("  x", false)]
    [InlineData("\u00a0é", false)]
    [InlineData("\u001c", false)]
    public void Blank_is_what_string_IsNullOrWhiteSpace_says(string line, bool blank)
    {
        string.IsNullOrWhiteSpace(line).Should().Be(blank, "the oracle itself");
        ReplayBatch.IsBlank(Utf8(line)).Should().Be(blank);
    }

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    private sealed class OneByteAtATime(byte[] content) : MemoryStream(content)
    {
        public override int Read(byte[] buffer, int offset, int count) => base.Read(buffer, offset, Math.Min(count, 1));
    }
}
