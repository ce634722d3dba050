# Writes newsmirror's man page from its own --help texts (cmake -P; see
# CMakeLists.txt): help2man turns `newsmirror --help` into the page, and a
# COMMANDS section holds each subcommand's `--help` as it prints it.
#   cmake -DBIN=build/newsmirror -DHELP2MAN=/usr/bin/help2man -DOUT=newsmirror.1 -P scripts/manpage.cmake
# Leaves OUT.gz (gzip -9n, as Debian ships man pages).
execute_process(COMMAND ${BIN} --help OUTPUT_VARIABLE top RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${BIN} --help failed")
endif()
# The subcommands are the indented names under "Subcommands:".
string(REGEX REPLACE ".*\nSubcommands:\n" "" listing "${top}")
string(REGEX MATCHALL "\n  [a-z-]+ " names "\n${listing}")
set(include "[COMMANDS]\n")
foreach(name ${names})
  string(STRIP "${name}" name)
  execute_process(COMMAND ${BIN} ${name} --help OUTPUT_VARIABLE text RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${BIN} ${name} --help failed")
  endif()
  # roff: a backslash is \e; a line may not start with . or '.
  string(REPLACE "\\" "\\e" text "${text}")
  string(REGEX REPLACE "(^|\n)([.'])" "\\1\\\\&\\2" text "${text}")
  string(APPEND include ".SS ${name}\n.nf\n${text}.fi\n")
endforeach()
file(WRITE ${OUT}.include "${include}")
execute_process(COMMAND ${HELP2MAN} --no-info --no-discard-stderr
                  "--name=mirror blocked news outlets' feeds into a git repository"
                  --include=${OUT}.include --output=${OUT} ${BIN}
                RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "help2man failed on ${BIN}")
endif()
execute_process(COMMAND gzip -9nf ${OUT} RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "gzip ${OUT} failed")
endif()
