using FraudWeb.Resources;
using FraudWeb.ViewModels.Common;
using Microsoft.Extensions.Localization;

namespace FraudWeb.Infrastructure.Localization;

/// <summary>
/// Where a form's labels and validation messages come from: the shared words, except that staff forms
/// (<see cref="IStaffForm"/>) first take the staff wording of StaffForms.resx ("Enter the full name.").
/// </summary>
public static class FormLocalizer
{
    public static IStringLocalizer For(Type formType, IStringLocalizerFactory factory)
    {
        ArgumentNullException.ThrowIfNull(formType);
        ArgumentNullException.ThrowIfNull(factory);
        var shared = factory.Create(typeof(SharedResource));
        return typeof(IStaffForm).IsAssignableFrom(formType) ? new StaffFirst(factory.Create(typeof(StaffForms)), shared) : shared;
    }

    private sealed class StaffFirst(IStringLocalizer staff, IStringLocalizer shared) : IStringLocalizer
    {
        public LocalizedString this[string name] => Pick(staff[name], () => shared[name]);

        public LocalizedString this[string name, params object[] arguments] => Pick(staff[name, arguments], () => shared[name, arguments]);

        public IEnumerable<LocalizedString> GetAllStrings(bool includeParentCultures) =>
            staff.GetAllStrings(includeParentCultures).Concat(shared.GetAllStrings(includeParentCultures));

        private static LocalizedString Pick(LocalizedString first, Func<LocalizedString> fallback) => first.ResourceNotFound ? fallback() : first;
    }
}
