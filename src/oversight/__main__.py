from oversight.cli import main

if __name__ == "__main__":  # not when a worker process of a load imports it
    raise SystemExit(main())
