using FraudWeb.Domain.IO;

namespace FraudWeb.Tests.Domain.IO;

public sealed class MerchantCsvTests
{
    private static IReadOnlyList<MerchantRow> Read(string text) => MerchantCsv.Read(new StringReader(text), "merchants.csv");

    [Fact]
    public void Read_ColumnsInAnyOrderQuotedCommaAndByteOrderMark_RowsWithTheirLines()
    {
        // Act
        var rows = Read("\uFEFFcategory,Name\nGroceries,\"Harbour Market, Leeds\"\n  Fuel , Kingsway Petrol \n");

        // Assert
        Assert.Equal([new MerchantRow(2, "Harbour Market, Leeds", "Groceries"), new MerchantRow(3, "Kingsway Petrol", "Fuel")], rows);
    }

    [Theory]
    [InlineData("name\nA\n", "merchants.csv:1: the header has no 'category' column.")]
    [InlineData("name,category,city\nA,B,C\n", "merchants.csv:1:3: unexpected column 'city' (the columns are name and category).")]
    [InlineData("name,category\nA,Fuel\n,Fuel\n", "merchants.csv:3:1: the name is empty.")]
    [InlineData("name,category\nA,Fuel,extra\n", "merchants.csv:2:3: expected 2 cells as in the header, found 3.")]
    [InlineData("name,category\nPay 4111 1111 1111 1111 here,Fuel\n", "merchants.csv:2:1: the name holds a card number.")]
    [InlineData("name,category\n", "merchants.csv:2: no merchants after the header.")]
    public void Read_BadFile_ErrorNamesLineAndColumn(string text, string expected)
    {
        // Act
        var error = Assert.Throws<CsvFormatException>(() => Read(text));

        // Assert
        Assert.Equal(expected, error.Message);
    }

    [Fact]
    public void Read_CategoryLongerThanTheDatabaseKeeps_ErrorNamesIt()
    {
        // Act
        var error = Assert.Throws<CsvFormatException>(() => Read($"name,category\nA,{new string('c', MerchantCsv.CategoryMaxLength + 1)}\n"));

        // Assert
        Assert.Equal($"merchants.csv:2:2: the category is longer than {MerchantCsv.CategoryMaxLength} characters.", error.Message);
    }

    [Fact]
    public void Read_LatinOneFileReadAsUtf8_ErrorNamesTheCellAndTheEncoding()
    {
        // Arrange (review: "Café Bleu" saved as Latin-1 was imported as "Caf\uFFFD Bleu", for good)
        var bytes = System.Text.Encoding.Latin1.GetBytes("name,category\nKingsway Petrol,Fuel\nCaf\u00e9 Bleu,Restaurants\n");
        using var reader = new StreamReader(new MemoryStream(bytes), System.Text.Encoding.UTF8);

        // Act
        var error = Assert.Throws<CsvFormatException>(() => MerchantCsv.Read(reader, "merchants.csv"));

        // Assert
        Assert.Equal("merchants.csv:3:1: the name is not UTF-8 text (the file was saved in another encoding); save it as UTF-8.", error.Message);
    }
}
