# The line spans of the footnote definitions real kramdown reads, for tests/test_footnotes.py.
# Usage: ruby kramdown_footnotes.rb FILE...  One JSON line per file: [[label, first, last], ...]
# (1-based lines), read with Jekyll's kramdown input (GFM). kramdown's parser is asked, not
# imitated: parse_footnote_definition records the lines its match covers.
require "json"
require "kramdown"
require "kramdown-parser-gfm"

module RecordSpans
  def parse_footnote_definition
    first = @src.current_line_number
    $spans << [@src[1], first, first + @src.matched.count("\n") - 1]
    super
  end
end
Kramdown::Parser::Kramdown.prepend(RecordSpans)

ARGV.each do |path|
  $spans = []
  Kramdown::Document.new(File.read(path, encoding: "utf-8"), input: "GFM").to_html
  puts JSON.generate($spans)
end
