using System.Text.Json.Nodes;
using Jint.Native.Object;

namespace Rules.Engine.Runtime;

/// <summary>
/// A JSON object of the login (user.app_metadata, context.request, an identity...) as rules see it: an ordinary object
/// whose properties are converted from the JSON the first time anything looks at or changes the object. Until then it
/// costs one small object however large the JSON is, and the outcome carries the JSON it came from as it was.
/// </summary>
/// <remarks>
/// Jint builds its own built-in prototypes the same way (<see cref="ObjectInstance.Initialize"/>, run by every
/// own-property read, write, delete, key listing, freeze and prototype query before it looks at the properties), so
/// the object cannot be seen unconverted: it answers everything as a plain object with the same properties in the
/// same order would. Its prototype is Object.prototype and it is extensible, as a plain object's is.
/// </remarks>
internal sealed class LazyJsonObject : ObjectInstance
{
    private readonly JsonObject _source;
    private bool _converted;

    public LazyJsonObject(Jint.Engine engine, JsonObject source)
        : base(engine)
    {
        _source = source;
    }

    /// <summary>The JSON this object still is, or null once it was converted (and so may have been changed).</summary>
    public JsonObject? Untouched => _converted ? null : _source;

    protected override void Initialize()
    {
        _converted = true;
        foreach (var (key, value) in _source)
        {
            FastSetDataProperty(key, JsonBridge.ToJs(_engine, value));
        }
    }
}
