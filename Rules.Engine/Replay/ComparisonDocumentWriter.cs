using System.Buffers;
using System.Text.Json;
using Rules.Engine.Pipeline;

namespace Rules.Engine.Replay;

/// <summary>
/// An outcome's comparison JSON (OutcomeJson.ToComparisonObject's fields) written to a reused buffer and parsed as a
/// JsonDocument over it: the classifier reads it in place, with no node tree and no buffer per record. One per
/// thread; the document must be disposed before the next <see cref="Parse"/>.
/// </summary>
internal sealed class ComparisonDocumentWriter
{
    private readonly ArrayBufferWriter<byte> _buffer = new(1024);
    private readonly Utf8JsonWriter _writer;

    public ComparisonDocumentWriter() => _writer = OutcomeJson.CreateComparisonWriter(_buffer);

    public JsonDocument Parse(Outcome outcome)
    {
        _buffer.ResetWrittenCount();
        _writer.Reset(_buffer);
        OutcomeJson.WriteComparison(_writer, outcome);
        _writer.Flush();
        return JsonDocument.Parse(_buffer.WrittenMemory);
    }
}
