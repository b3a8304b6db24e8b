/** The `constitution-lens` command line tool. */
console.log('constitution-lens');
