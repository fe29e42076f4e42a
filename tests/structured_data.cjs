// Structured data of built pages, checked with structured-data-testing-tool
// (npm): its Twitter and Facebook presets for the social tags, and a preset
// written from Google's documentation of course listings
// (https://developers.google.com/search/docs/appearance/structured-data/course):
// a Course needs name, description and provider (an Organization with a
// name); a summary page lists the course pages in an ItemList of ListItems
// with a position and a url.
//
//   node tests/structured_data.cjs public/index.html public/formations/x/index.html ...
//
// Prints one JSON line per file: {file, schemas, failed: [{test, description}]}.
"use strict";
const fs = require("fs");
const { structuredDataTest } = require("structured-data-testing-tool");
const { Twitter, Facebook } = require("structured-data-testing-tool/presets");

const GoogleCourse = {
  name: "Google course listing",
  description: "Course properties Google documents for course listings",
  conditional: { test: "Course", type: "jsonld" },
  tests: [
    { test: "Course", type: "jsonld", description: "a Course in JSON-LD" },
    { test: "Course[*].name", type: "jsonld", description: "Course.name (required)" },
    { test: "Course[*].description", type: "jsonld", description: "Course.description (required)" },
    { test: "Course[*].provider.\"@type\"", expect: "Organization", type: "jsonld", description: "Course.provider is an Organization (required)" },
    { test: "Course[*].provider.name", type: "jsonld", description: "Course.provider.name (required)" },
    { test: "Course[*].provider.url", type: "jsonld", description: "Course.provider.url (recommended as sameAs/url)" },
    { test: "Course[*].courseCode", type: "jsonld", description: "Course.courseCode" },
    { test: "Course[*].inLanguage", expect: "fr", type: "jsonld", description: "Course.inLanguage" },
    { test: "Course[*].timeRequired", type: "jsonld", description: "Course.timeRequired" },
    { test: "Course[*].coursePrerequisites", type: "jsonld", description: "Course.coursePrerequisites" },
  ],
};

const GoogleSummaryPage = {
  name: "Google course list summary page",
  description: "An ItemList of the course pages, each ListItem with position and url",
  conditional: { test: "ItemList", type: "jsonld" },
  tests: [
    { test: "ItemList[*].itemListElement[0].\"@type\"", expect: "ListItem", type: "jsonld", description: "ListItem" },
    { test: "ItemList[*].itemListElement[0].position", expect: 1, type: "jsonld", description: "ListItem.position" },
    { test: "ItemList[*].itemListElement[0].url", type: "jsonld", description: "ListItem.url" },
  ],
};

async function check(file) {
  const html = fs.readFileSync(file);
  let result;
  try {
    result = await structuredDataTest(html, { presets: [Twitter, Facebook, GoogleCourse, GoogleSummaryPage] });
  } catch (err) {
    if (err.type !== "VALIDATION_FAILED") throw err;
    result = err.res;
  }
  return {
    file,
    schemas: result.schemas,
    passed: result.passed.length,
    failed: result.failed.map((t) => ({ test: t.test, description: t.description, value: t.value })),
  };
}

(async () => {
  for (const file of process.argv.slice(2)) {
    process.stdout.write(JSON.stringify(await check(file)) + "\n");
  }
})().catch((err) => {
  process.stderr.write(String(err && err.stack ? err.stack : err) + "\n");
  process.exit(2);
});
