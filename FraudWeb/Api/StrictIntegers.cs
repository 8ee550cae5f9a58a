using System.Globalization;
using Microsoft.AspNetCore.Mvc.ApplicationModels;
using Microsoft.AspNetCore.Mvc.ModelBinding;

namespace FraudWeb.Api;

/// <summary>
/// The API's integers in routes and queries are plain ASCII digits, as its amounts are: MVC's default binding reads
/// them with a TypeConverter, which also takes hex ("0x1F6" listed card 502's payments), a sign and spaces (tester's
/// report). No integer parameter of the API can be negative, so a '-' is refused too. On the API's controllers only:
/// the web pages bind as before.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = true)]
public sealed class StrictIntegersAttribute : Attribute, IControllerModelConvention
{
    public void Apply(ControllerModel controller) => TextParameterBinders.Use<StrictIntegerModelBinder>(controller, StrictIntegerModelBinder.Binds);
}

/// <summary>Gives the route and query parameters of a type (not bodies: JSON has its own strict rules) a binder of ours.</summary>
internal static class TextParameterBinders
{
    public static void Use<TBinder>(ControllerModel controller, Func<Type, bool> binds) where TBinder : IModelBinder
    {
        ArgumentNullException.ThrowIfNull(controller);
        foreach (var parameter in controller.Actions.SelectMany(a => a.Parameters))
        {
            if (!binds(parameter.ParameterType) || parameter.BindingInfo?.BindingSource == BindingSource.Body) continue;
            parameter.BindingInfo ??= new BindingInfo();
            parameter.BindingInfo.BinderType = typeof(TBinder);
        }
    }
}

/// <summary>An int or long (nullable or not) from ASCII digits only; anything else is a validation error naming the parameter.</summary>
public sealed class StrictIntegerModelBinder : IModelBinder
{
    public static bool Binds(Type type)
    {
        ArgumentNullException.ThrowIfNull(type);
        var underlying = Nullable.GetUnderlyingType(type) ?? type;
        return underlying == typeof(long) || underlying == typeof(int);
    }

    public static string NotDigits(string name) => $"'{name}' must be a whole number written with the digits 0-9 only: no sign, spaces or 0x.";

    public static string TooLarge(string name) => $"'{name}' is too large.";

    public Task BindModelAsync(ModelBindingContext bindingContext)
    {
        ArgumentNullException.ThrowIfNull(bindingContext);
        var name = bindingContext.ModelName;
        var value = bindingContext.ValueProvider.GetValue(name);
        // Not sent: an optional parameter stays null (the action's default), as before.
        if (value == ValueProviderResult.None) return Task.CompletedTask;
        bindingContext.ModelState.SetModelValue(name, value);
        var text = value.FirstValue ?? "";
        var field = ApiValidationProblems.FieldName(name);
        // Empty too: "cardId=" sent by a client whose variable was blank would otherwise list every card's payments.
        if (text.Length == 0 || !text.All(char.IsAsciiDigit))
        {
            bindingContext.ModelState.TryAddModelError(name, NotDigits(field));
            return Task.CompletedTask;
        }
        var type = Nullable.GetUnderlyingType(bindingContext.ModelType) ?? bindingContext.ModelType;
        object? model = type == typeof(long)
            ? long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var l) ? l : null
            : int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var i) ? i : null;
        if (model is null)
        {
            bindingContext.ModelState.TryAddModelError(name, TooLarge(field));
            return Task.CompletedTask;
        }
        bindingContext.Result = ModelBindingResult.Success(model);
        return Task.CompletedTask;
    }
}

/// <summary>
/// A route value of ASCII digits only: "/payments/+16" or "/payments/%2016" is no payment's address, answered as
/// "/payments/abc" is (the API's 404), where the <c>long</c> constraint took a sign and spaces.
/// </summary>
public sealed class DigitsRouteConstraint : IRouteConstraint
{
    public const string Name = "digits";

    public bool Match(HttpContext? httpContext, IRouter? route, string routeKey, RouteValueDictionary values, RouteDirection routeDirection)
    {
        ArgumentNullException.ThrowIfNull(values);
        return values.TryGetValue(routeKey, out var value)
            && Convert.ToString(value, CultureInfo.InvariantCulture) is { Length: > 0 } text && text.All(char.IsAsciiDigit);
    }
}
