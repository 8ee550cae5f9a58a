using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.Localization;

namespace FraudWeb.Infrastructure.Localization;

/// <summary>
/// The resource-manager localizers, each phrase looked up once per culture and then kept: the resources are compiled
/// into the app and never change while it runs. <see cref="ResourceManagerStringLocalizer"/> builds a cache key string
/// for every lookup and walks the culture chain again; a page asks for fifty phrases (docs/decisions/0013, addendum).
/// </summary>
public sealed class CachedStringLocalizerFactory(ResourceManagerStringLocalizerFactory inner) : IStringLocalizerFactory
{
    /// <summary>
    /// Phrases kept per culture and resource set: more than the resources hold. A view may look up a stored value (a
    /// merchant's category, a reason) whose words are not all known in advance; past the bound they are looked up
    /// each time rather than kept.
    /// </summary>
    public const int MaxPhrasesPerCulture = 4096;

    private readonly ConcurrentDictionary<(string BaseName, string Location), IStringLocalizer> byName = new();
    private readonly ConcurrentDictionary<Type, IStringLocalizer> byType = new();

    public IStringLocalizer Create(Type resourceSource) =>
        byType.GetOrAdd(resourceSource, type => new Cached(inner.Create(type)));

    public IStringLocalizer Create(string baseName, string location) =>
        byName.GetOrAdd((baseName, location), key => new Cached(inner.Create(key.BaseName, key.Location)));

    internal sealed class Cached(IStringLocalizer inner) : IStringLocalizer
    {
        private readonly ConcurrentDictionary<CultureInfo, ConcurrentDictionary<string, LocalizedString>> cultures = new();

        public LocalizedString this[string name]
        {
            get
            {
                ArgumentNullException.ThrowIfNull(name);
                var phrases = cultures.GetOrAdd(CultureInfo.CurrentUICulture, _ => new ConcurrentDictionary<string, LocalizedString>(StringComparer.Ordinal));
                if (phrases.TryGetValue(name, out var known)) return known;
                var found = inner[name];
                if (phrases.Count < MaxPhrasesPerCulture) phrases.TryAdd(name, found);
                return found;
            }
        }

        public LocalizedString this[string name, params object[] arguments]
        {
            get
            {
                var format = this[name];
                return new LocalizedString(name, string.Format(CultureInfo.CurrentCulture, format.Value, arguments), format.ResourceNotFound, format.SearchedLocation);
            }
        }

        public IEnumerable<LocalizedString> GetAllStrings(bool includeParentCultures) => inner.GetAllStrings(includeParentCultures);
    }
}
